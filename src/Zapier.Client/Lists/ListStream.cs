using System.Runtime.CompilerServices;
using Microsoft.Kiota.Abstractions;
using Zapier.Client.Http;

namespace Zapier.Client.Lists;

/// <summary>
/// Reads a list operation page by page and yields its items, for the <c>ListAsync</c> methods of the generated list
/// request builders: either following each page's next link, or asking for the next position (an offset advanced by
/// the items received, a page number advanced by one) where the operation pages that way.
/// </summary>
internal static class ListStream
{
    /// <summary>Pages linked by a next URL. <paramref name="fetch"/> gets null for the first page, else the checked link.</summary>
    public static IAsyncEnumerable<TItem> FollowingLinks<TPage, TItem>(
        IRequestAdapter adapter, ZapierListOptions? options, Func<string?, CancellationToken, Task<TPage?>> fetch,
        Func<TPage, IList<TItem>?> items, Func<TPage, string?> nextLink, CancellationToken cancellationToken)
        where TPage : class
    {
        var settings = Checked(options);
        return ReadAsync(
            OriginOf(adapter), settings, new Cursor(null, 0),
            (cursor, ct) => fetch(cursor.Link, ct), items,
            (page, _, _) => nextLink(page) is { } link && !string.IsNullOrWhiteSpace(link) ? new Cursor(link, 0) : null,
            cancellationToken);
    }

    /// <summary>
    /// Pages asked for by position, from <paramref name="start"/>. <paramref name="next"/> gets a page, its position
    /// and how many items it held, and returns the next position, or null at the end.
    /// </summary>
    public static IAsyncEnumerable<TItem> Advancing<TPage, TItem>(
        IRequestAdapter adapter, ZapierListOptions? options, int start, Func<int, CancellationToken, Task<TPage?>> fetch,
        Func<TPage, IList<TItem>?> items, Func<TPage, int, int, int?> next, CancellationToken cancellationToken)
        where TPage : class
    {
        var settings = Checked(options);
        return ReadAsync(
            OriginOf(adapter), settings, new Cursor(null, start),
            (cursor, ct) => fetch(cursor.Position, ct), items,
            (page, cursor, received) => next(page, cursor.Position, received) is { } position ? new Cursor(null, position) : null,
            cancellationToken);
    }

    /// <summary>The request configuration of one page: the caller's query, the page's position, the response info.</summary>
    public static Action<RequestConfiguration<TQuery>> Configure<TQuery>(
        Action<TQuery>? query, ZapierListOptions? options, Action<TQuery>? position = null)
        where TQuery : class, new() =>
        c =>
        {
            query?.Invoke(c.QueryParameters);
            position?.Invoke(c.QueryParameters);
            if (options?.ResponseInfo is { } info)
            {
                c.Options.Add(info);
            }
        };

    /// <summary>The query the caller's lambda sets, to read where the list starts and its page size.</summary>
    public static TQuery Probe<TQuery>(Action<TQuery>? query)
        where TQuery : new()
    {
        var parameters = new TQuery();
        query?.Invoke(parameters);
        return parameters;
    }

    /// <summary>A next link kept in a free-form links object (the schema types some of them only as a map).</summary>
    public static string? NextIn(Microsoft.Kiota.Abstractions.Serialization.IAdditionalDataHolder? links) =>
        links?.AdditionalData is { } data && data.TryGetValue("next", out var next) ? next as string : null;

    private static ZapierListOptions Checked(ZapierListOptions? options)
    {
        var settings = options ?? Defaults;
        settings.Validate();
        return settings;
    }

    private static readonly ZapierListOptions Defaults = new();

    private static Uri OriginOf(IRequestAdapter adapter) =>
        (adapter as ZapierRequestAdapter)?.Core.BaseUrl
        ?? (Uri.TryCreate(adapter.BaseUrl, UriKind.Absolute, out var baseUrl)
            ? baseUrl
            : throw new InvalidOperationException("Reading a list needs a request builder with an absolute base URL, such as one from a ZapierClient."));

    private static async IAsyncEnumerable<TItem> ReadAsync<TPage, TItem>(
        Uri origin, ZapierListOptions options, Cursor first, Func<Cursor, CancellationToken, Task<TPage?>> fetch,
        Func<TPage, IList<TItem>?> items, Func<TPage, Cursor, int, Cursor?> next,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where TPage : class
    {
        var guard = new PageGuard(origin, options.MaxPages); // per enumeration: a stream can be read again from the start
        var left = options.MaxItems ?? int.MaxValue;
        var cursor = first;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await fetch(cursor, cancellationToken).ConfigureAwait(false);
            if (page is null)
            {
                yield break; // an empty body: nothing more to read
            }

            var list = items(page);
            if (list is not null)
            {
                foreach (var item in list)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return item;
                    if (--left == 0)
                    {
                        yield break;
                    }
                }
            }

            if (next(page, cursor, list?.Count ?? 0) is not { } following)
            {
                yield break;
            }

            if (following.Link is { } link)
            {
                cursor = following with { Link = guard.Follow(link) };
            }
            else
            {
                guard.Count();
                cursor = following;
            }
        }
    }

    /// <summary>Where a page is: a link to follow, or a position to ask for.</summary>
    private readonly record struct Cursor(string? Link, int Position);
}
