using Zapier.Client.Errors;

namespace Zapier.Client.Lists;

/// <summary>
/// The rules every multi-page read keeps, in one place: a next link is followed only to the client's own scheme, host
/// and port (the client's credentials go with it), never twice (a loop), and no list is read past its page limit.
/// </summary>
internal sealed class PageGuard(Uri origin, int maxPages)
{
    private HashSet<string>? _seen;
    private int _pages = 1; // the first page is always read

    /// <summary>Checks a page's next link before it is followed; returns it as an absolute URL.</summary>
    /// <exception cref="ZapierProtocolException">The link breaks one of the rules; it is not followed.</exception>
    public string Follow(string link)
    {
        Count();
        if (!(_seen ??= new HashSet<string>(StringComparer.Ordinal)).Add(link))
        {
            throw new ZapierProtocolException($"links.next repeats an earlier page ({Describe(link)}); stopped to avoid a loop.");
        }

        if (!Uri.TryCreate(link, UriKind.Absolute, out var uri))
        {
            throw new ZapierProtocolException($"links.next is not an absolute URL ({Describe(link)}); not followed.");
        }

        if (!string.Equals(uri.Scheme, origin.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(uri.IdnHost, origin.IdnHost, StringComparison.OrdinalIgnoreCase) || uri.Port != origin.Port)
        {
            throw new ZapierProtocolException(
                $"links.next points to {uri.Scheme}://{uri.Authority}, not to {origin.Scheme}://{origin.Authority}; not followed, so the client's credentials stay with Zapier.");
        }

        return uri.AbsoluteUri;
    }

    /// <summary>Counts one more page asked for by position (an offset or a page number).</summary>
    /// <exception cref="ZapierProtocolException">The list has more pages than allowed.</exception>
    public void Count()
    {
        if (_pages >= maxPages)
        {
            throw new ZapierProtocolException($"The list has more than {maxPages} pages; stopped reading it.");
        }

        _pages++;
    }

    private static string Describe(string link) => link.Length <= 200 ? link : link[..200] + "…";
}
