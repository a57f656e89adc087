namespace Zapier.Client;

/// <summary>
/// How a list's item stream (<c>ListAsync</c> on a list operation's request builder) reads its pages. The page size
/// is the operation's own parameter (<c>q.Limit</c>, <c>q.PerPage</c>, the test body's <c>Limit</c>).
/// </summary>
public sealed class ZapierListOptions
{
    /// <summary>Stops after this many items; no page is requested beyond the one that holds the last. Null (the default) reads every item.</summary>
    public int? MaxItems { get; init; }

    /// <summary>
    /// A guard against endless lists: a list that still has a next page after this many pages (1,000 by default) ends
    /// with <see cref="Errors.ZapierProtocolException"/>.
    /// </summary>
    public int MaxPages { get; init; } = 1000;

    /// <summary>Filled by each page's call (the last page read wins); see <see cref="ZapierResponseInfo"/>.</summary>
    public ZapierResponseInfo? ResponseInfo { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the setting that is out of range.</summary>
    internal void Validate()
    {
        if (MaxItems is { } max)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(max, 1, nameof(MaxItems));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPages, 1, nameof(MaxPages));
    }
}
