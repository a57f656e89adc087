using Zapier.Client.Generated.Models;
using Zapier.Client.Lists;

namespace Zapier.Client.Generated.V2.Whitelabel.Apps;

/// <summary>The item stream of the list: <c>await foreach (var item in builder.ListAsync(q =&gt; ..., ct))</c>.</summary>
public partial class AppsRequestBuilder
{
    /// <summary>
    /// Every one of the white-label apps (<c>GET /v2/whitelabel/apps</c>) across pages: the first page from <paramref name="query"/> (its <c>Limit</c> is the page size), then each
    /// page's next link, only within the client's origin (see <see cref="ZapierListOptions"/> for the rules).
    /// </summary>
    /// <param name="query">The first page's query; the next pages take theirs from their links.</param>
    /// <param name="cancellationToken">Stops the stream between pages and during a page's request.</param>
    /// <exception cref="Errors.ZapierProtocolException">A next link to another origin, a repeated one, or more pages than allowed.</exception>
    public IAsyncEnumerable<WhitelabelApp> ListAsync(Action<AppsRequestBuilderGetQueryParameters>? query = null, CancellationToken cancellationToken = default) =>
        ListAsync(query, null, cancellationToken);

    /// <summary>The same, with a cap on items, the page guard and a response info to fill (<paramref name="options"/>).</summary>
    /// <param name="query">The first page's query; the next pages take theirs from their links.</param>
    /// <param name="options">How to read the pages; null for the defaults.</param>
    /// <param name="cancellationToken">Stops the stream between pages and during a page's request.</param>
    public IAsyncEnumerable<WhitelabelApp> ListAsync(Action<AppsRequestBuilderGetQueryParameters>? query, ZapierListOptions? options, CancellationToken cancellationToken = default) =>
        ListStream.FollowingLinks(
            RequestAdapter, options, (link, ct) => (link is null ? this : WithUrl(link)).GetAsync(ListStream.Configure(query, options), ct),
            page => page.Data, page => ListStream.NextIn(page.Links), cancellationToken);
}
