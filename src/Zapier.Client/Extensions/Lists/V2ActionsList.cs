using Zapier.Client.Generated.Models;
using Zapier.Client.Lists;

namespace Zapier.Client.Generated.V2.Actions;

/// <summary>The item stream of the list: <c>await foreach (var item in builder.ListAsync(q =&gt; ..., ct))</c>.</summary>
public partial class ActionsRequestBuilder
{
    /// <summary>
    /// Every one of the actions of an app (<c>GET /v2/actions</c>) across pages: the first page from <paramref name="query"/> (set <c>App</c>; the operation has no page size), then each
    /// page's next link, only within the client's origin (see <see cref="ZapierListOptions"/> for the rules).
    /// </summary>
    /// <param name="query">The first page's query; the next pages take theirs from their links.</param>
    /// <param name="cancellationToken">Stops the stream between pages and during a page's request.</param>
    /// <exception cref="Errors.ZapierProtocolException">A next link to another origin, a repeated one, or more pages than allowed.</exception>
    public IAsyncEnumerable<ActionObject> ListAsync(Action<ActionsRequestBuilderGetQueryParameters>? query = null, CancellationToken cancellationToken = default) =>
        ListAsync(query, null, cancellationToken);

    /// <summary>The same, with a cap on items, the page guard and a response info to fill (<paramref name="options"/>).</summary>
    /// <param name="query">The first page's query; the next pages take theirs from their links.</param>
    /// <param name="options">How to read the pages; null for the defaults.</param>
    /// <param name="cancellationToken">Stops the stream between pages and during a page's request.</param>
    public IAsyncEnumerable<ActionObject> ListAsync(Action<ActionsRequestBuilderGetQueryParameters>? query, ZapierListOptions? options, CancellationToken cancellationToken = default) =>
        ListStream.FollowingLinks(
            RequestAdapter, options, (link, ct) => (link is null ? this : WithUrl(link)).GetAsync(ListStream.Configure(query, options), ct),
            page => page.Data, page => page.Links?.Next, cancellationToken);
}
