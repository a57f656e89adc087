using Zapier.Client.Generated.Models;
using Zapier.Client.Lists;

namespace Zapier.Client.Generated.V1.ZapTemplates;

/// <summary>The item stream of the list: <c>await foreach (var template in builder.ListAsync(q =&gt; q.Limit = 100, ct))</c>.</summary>
public partial class ZapTemplatesRequestBuilder
{
    /// <summary>
    /// Every Zap template (<c>GET /v1/zap-templates</c>) across pages. The answer is a bare array without links, so
    /// the stream pages by offset: the first page at the query's <c>Offset</c> (0 when unset), each next one at the
    /// offset advanced by the templates received, until a page is empty or shorter than the query's <c>Limit</c>
    /// (the page size; without one, until an empty page, one request more).
    /// </summary>
    /// <param name="query">The query of every page (the stream sets only <c>Offset</c>).</param>
    /// <param name="cancellationToken">Stops the stream between pages and during a page's request.</param>
    /// <exception cref="ArgumentException">The query's <c>Offset</c> is not a whole number of at least 0.</exception>
    /// <exception cref="Errors.ZapierProtocolException">More pages than allowed.</exception>
    public IAsyncEnumerable<ZapTemplate> ListAsync(
        Action<ZapTemplatesRequestBuilderGetQueryParameters>? query = null, CancellationToken cancellationToken = default) =>
        ListAsync(query, null, cancellationToken);

    /// <summary>The same, with a cap on items, the page guard and a response info to fill (<paramref name="options"/>).</summary>
    /// <param name="query">The query of every page (the stream sets only <c>Offset</c>).</param>
    /// <param name="options">How to read the pages; null for the defaults.</param>
    /// <param name="cancellationToken">Stops the stream between pages and during a page's request.</param>
    public IAsyncEnumerable<ZapTemplate> ListAsync(
        Action<ZapTemplatesRequestBuilderGetQueryParameters>? query, ZapierListOptions? options, CancellationToken cancellationToken = default)
    {
        const int MaxPageSize = 100; // the schema's maximum for limit
        var first = ListStream.Probe(query);
        // A page holds at most MaxPageSize templates whatever the limit asks for: a shorter page is the last one.
        var limit = first.Limit is { } asked ? Math.Min(asked, MaxPageSize) : (double?)null;
        if (first.Offset is { } start && (start < 0 || start > int.MaxValue || start != Math.Floor(start)))
        {
            throw new ArgumentException($"The templates' offset must be a whole number of at least 0; it is {start}.", nameof(query));
        }

        return ListStream.Advancing(
            RequestAdapter, options, (int)(first.Offset ?? 0),
            (offset, ct) => GetAsync(ListStream.Configure(query, options, q => q.Offset = offset), ct),
            page => page,
            (_, offset, received) => received > 0 && (limit is null || received >= limit) ? offset + received : null,
            cancellationToken);
    }
}
