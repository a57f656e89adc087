using System.Runtime.CompilerServices;
using Zapier.Client.Errors;
using Zapier.Client.Lists;

namespace Zapier.Client;

/// <summary>Following a list's <c>links.next</c> page by page, only ever to the client's own origin.</summary>
public partial class ZapierClient
{
    /// <summary>
    /// Yields the first page and every page after it by following its next link, for example:
    /// <c>PagesAsync(ct =&gt; V2.ZapRuns.GetAsync(cancellationToken: ct), (url, ct) =&gt; V2.ZapRuns.WithUrl(url).GetAsync(cancellationToken: ct), p =&gt; p.Links?.Next)</c>.
    /// Superseded by the item streams of the list request builders (<c>V2.ZapRuns.ListAsync(...)</c>), which keep the
    /// same rules.
    /// </summary>
    /// <param name="first">Fetches the first page.</param>
    /// <param name="next">Fetches the page at a next link (use the same request builder's <c>WithUrl</c>).</param>
    /// <param name="nextLink">Reads a page's next link (null or empty when it is the last page).</param>
    /// <param name="maxPages">Stops with an error after this many pages (a guard against endless lists).</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <exception cref="ZapierProtocolException">
    /// A next link points to another scheme, host or port (it is not followed: the client's credentials would go with
    /// it), repeats an earlier one, is not an absolute URL, or the list exceeds <paramref name="maxPages"/>.
    /// </exception>
    [Obsolete("Use the item stream of the list's request builder instead, e.g. zapier.V2.ZapRuns.ListAsync(q => q.Limit = 100, ct): it yields items and pages by itself.")]
    public async IAsyncEnumerable<TPage> PagesAsync<TPage>(
        Func<CancellationToken, Task<TPage?>> first, Func<string, CancellationToken, Task<TPage?>> next, Func<TPage, string?> nextLink,
        int maxPages = 1000, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TPage : class
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(nextLink);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPages, 1);
        var guard = new PageGuard(BaseUrl, maxPages);
        var page = await first(cancellationToken).ConfigureAwait(false);
        while (page is not null)
        {
            yield return page;
            var link = nextLink(page);
            if (string.IsNullOrWhiteSpace(link))
            {
                yield break;
            }

            page = await next(guard.Follow(link), cancellationToken).ConfigureAwait(false);
        }
    }
}
