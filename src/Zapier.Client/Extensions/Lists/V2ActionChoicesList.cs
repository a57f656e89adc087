using System.Globalization;
using Zapier.Client.Generated.Models;
using Zapier.Client.Lists;

namespace Zapier.Client.Generated.V2.Actions.Item.Inputs.Item.Choices;

/// <summary>The item stream of the list: <c>await foreach (var choice in builder.ListAsync(body, ct: ct))</c>.</summary>
public partial class ChoicesRequestBuilder
{
    /// <summary>
    /// Every choice of the <c>SELECT</c> input field (<c>POST .../inputs/{input-id}/choices</c>) across pages: this
    /// POST with <paramref name="body"/> for page 1 (or the <c>Page</c> the query sets), then the next page number
    /// while a page holds choices and has a next link (see <see cref="ZapierListOptions"/>).
    /// </summary>
    /// <param name="body">The request body (authentication and inputs), sent with every page.</param>
    /// <param name="query">The first page's query; its <c>Page</c>, a whole number from 1, is where the stream starts.</param>
    /// <param name="cancellationToken">Stops the stream between pages and during a page's request.</param>
    /// <exception cref="ArgumentException">The query's <c>Page</c> is not a whole number of at least 1.</exception>
    /// <exception cref="Errors.ZapierProtocolException">More pages than allowed.</exception>
    public IAsyncEnumerable<Choice> ListAsync(
        ChoiceRequest body, Action<ChoicesRequestBuilderPostQueryParameters>? query = null, CancellationToken cancellationToken = default) =>
        ListAsync(body, query, null, cancellationToken);

    /// <summary>The same, with a cap on items, the page guard and a response info to fill (<paramref name="options"/>).</summary>
    /// <param name="body">The request body (authentication and inputs), sent with every page.</param>
    /// <param name="query">The first page's query; its <c>Page</c>, a whole number from 1, is where the stream starts.</param>
    /// <param name="options">How to read the pages; null for the defaults.</param>
    /// <param name="cancellationToken">Stops the stream between pages and during a page's request.</param>
    public IAsyncEnumerable<Choice> ListAsync(
        ChoiceRequest body, Action<ChoicesRequestBuilderPostQueryParameters>? query, ZapierListOptions? options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        var first = ListStream.Probe(query).Page;
        var start = 1;
        if (first is not null && (!int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out start) || start < 1))
        {
            throw new ArgumentException($"The choices' page must be a whole number of at least 1; it is '{first}'.", nameof(query));
        }

        return ListStream.Advancing(
            RequestAdapter, options, start,
            (page, ct) => PostAsync(body, ListStream.Configure(query, options, q => q.Page = page.ToString(CultureInfo.InvariantCulture)), ct),
            page => page.Data,
            (page, number, received) => received > 0 && !string.IsNullOrWhiteSpace(page.Links?.Next) ? number + 1 : null,
            cancellationToken);
    }
}
