using System.Runtime.CompilerServices;
using Zapier.Client.Errors;

namespace Zapier.Client;

/// <summary>Following a list's <c>links.next</c> page by page, only ever to the client's own origin.</summary>
public partial class ZapierClient
{
    /// <summary>
    /// Yields the first page and every page after it by following its next link, for example:
    /// <c>PagesAsync(ct =&gt; V2.ZapRuns.GetAsync(cancellationToken: ct), (url, ct) =&gt; V2.ZapRuns.WithUrl(url).GetAsync(cancellationToken: ct), p =&gt; p.Links?.Next)</c>.
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
    public async IAsyncEnumerable<TPage> PagesAsync<TPage>(
        Func<CancellationToken, Task<TPage?>> first, Func<string, CancellationToken, Task<TPage?>> next, Func<TPage, string?> nextLink,
        int maxPages = 1000, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TPage : class
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(nextLink);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPages, 1);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var page = await first(cancellationToken).ConfigureAwait(false);
        for (var count = 1; page is not null; count++)
        {
            yield return page;
            var link = nextLink(page);
            if (string.IsNullOrWhiteSpace(link))
            {
                yield break;
            }

            if (count >= maxPages)
            {
                throw new ZapierProtocolException($"The list has more than {maxPages} pages; stopped following links.next.");
            }

            if (!seen.Add(link))
            {
                throw new ZapierProtocolException($"links.next repeats an earlier page ({Describe(link)}); stopped to avoid a loop.");
            }

            page = await next(CheckedLink(link), cancellationToken).ConfigureAwait(false);
        }
    }

    private string CheckedLink(string link)
    {
        var baseUrl = BaseUrl;
        if (!Uri.TryCreate(link, UriKind.Absolute, out var uri))
        {
            throw new ZapierProtocolException($"links.next is not an absolute URL ({Describe(link)}); not followed.");
        }

        if (!string.Equals(uri.Scheme, baseUrl.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(uri.IdnHost, baseUrl.IdnHost, StringComparison.OrdinalIgnoreCase) || uri.Port != baseUrl.Port)
        {
            throw new ZapierProtocolException(
                $"links.next points to {uri.Scheme}://{uri.Authority}, not to {baseUrl.Scheme}://{baseUrl.Authority}; not followed, so the client's credentials stay with Zapier.");
        }

        return uri.AbsoluteUri;
    }

    private static string Describe(string link) => link.Length <= 200 ? link : link[..200] + "…";
}
