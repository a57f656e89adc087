using Microsoft.Kiota.Abstractions;
using Zapier.Client.Generated.Models;
using Zapier.Client.Lists;

namespace Zapier.Client.Generated.V2.Actions.Item.Test;

/// <summary>The item stream of the list: <c>await foreach (var result in builder.ListAsync(body, ct))</c>.</summary>
public partial class TestRequestBuilder
{
    /// <summary>
    /// Every result of testing the action (<c>POST /v2/actions/{action-id}/test</c>) across pages. This operation
    /// pages in its body: the first page from the body's <c>Offset</c> (0 when unset), each next one at the offset
    /// advanced by the results received, while a page holds results and has a next link. The body's <c>Limit</c> is
    /// the page size. Each page is another test run at Zapier. <paramref name="body"/> itself is not changed.
    /// </summary>
    /// <param name="body">The request body; every page sends a copy with its own offset.</param>
    /// <param name="cancellationToken">Stops the stream between pages and during a page's request.</param>
    /// <exception cref="Errors.ZapierProtocolException">More pages than allowed.</exception>
    public IAsyncEnumerable<ActionTestResult> ListAsync(ActionTestRequest body, CancellationToken cancellationToken = default) =>
        ListAsync(body, null, cancellationToken);

    /// <summary>The same, with a cap on items, the page guard and a response info to fill (<paramref name="options"/>).</summary>
    /// <param name="body">The request body; every page sends a copy with its own offset.</param>
    /// <param name="options">How to read the pages; null for the defaults.</param>
    /// <param name="cancellationToken">Stops the stream between pages and during a page's request.</param>
    public IAsyncEnumerable<ActionTestResult> ListAsync(ActionTestRequest body, ZapierListOptions? options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return ListStream.Advancing(
            RequestAdapter, options, body.Data?.Offset ?? 0,
            (offset, ct) => PostAsync(AtOffset(body, offset), ListStream.Configure<DefaultQueryParameters>(null, options), ct),
            page => page.Data,
            (page, offset, received) => received > 0 && !string.IsNullOrWhiteSpace(page.Links?.Next) ? offset + received : null,
            cancellationToken);
    }

    /// <summary>A copy of the body with another offset (the caller's object stays as it was).</summary>
    private static ActionTestRequest AtOffset(ActionTestRequest body, int offset)
    {
        var data = body.Data ?? new ActionTestRequestData();
        return new ActionTestRequest
        {
            AdditionalData = new Dictionary<string, object>(body.AdditionalData),
            Data = new ActionTestRequestData
            {
                AdditionalData = new Dictionary<string, object>(data.AdditionalData), // keeps an explicit null authentication
                Authentication = data.Authentication,
                Inputs = data.Inputs,
                Limit = data.Limit,
                Offset = offset,
            },
        };
    }
}
