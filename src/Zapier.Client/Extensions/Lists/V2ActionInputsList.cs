using Microsoft.Kiota.Abstractions;
using Zapier.Client.Generated.Models;
using Zapier.Client.Lists;

namespace Zapier.Client.Generated.V2.Actions.Item.Inputs;

/// <summary>The item stream of the list: <c>await foreach (var item in builder.ListAsync(body, ct))</c>.</summary>
public partial class InputsRequestBuilder
{
    /// <summary>
    /// Every one of the input fields of the action (<c>POST /v2/actions/{action-id}/inputs</c>): fields, info fields and fieldsets across pages: each page is this POST with <paramref name="body"/>, the first to this
    /// builder's URL, the next ones to the previous page's next link, only within the client's origin (see
    /// <see cref="ZapierListOptions"/> for the rules).
    /// </summary>
    /// <param name="body">The request body, sent with every page.</param>
    /// <param name="cancellationToken">Stops the stream between pages and during a page's request.</param>
    /// <exception cref="Errors.ZapierProtocolException">A next link to another origin, a repeated one, or more pages than allowed.</exception>
    public IAsyncEnumerable<RootFieldsetEntry> ListAsync(ListInputFieldsRequest body, CancellationToken cancellationToken = default) =>
        ListAsync(body, null, cancellationToken);

    /// <summary>The same, with a cap on items, the page guard and a response info to fill (<paramref name="options"/>).</summary>
    /// <param name="body">The request body, sent with every page.</param>
    /// <param name="options">How to read the pages; null for the defaults.</param>
    /// <param name="cancellationToken">Stops the stream between pages and during a page's request.</param>
    public IAsyncEnumerable<RootFieldsetEntry> ListAsync(ListInputFieldsRequest body, ZapierListOptions? options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return ListStream.FollowingLinks(
            RequestAdapter, options,
            (link, ct) => (link is null ? this : WithUrl(link)).PostAsync(body, ListStream.Configure<DefaultQueryParameters>(null, options), ct),
            page => page.Data, page => page.Links?.Next, cancellationToken);
    }
}
