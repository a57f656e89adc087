using System.Net;
using Zapier.Client.Errors;

namespace Zapier.Client.Http;

/// <summary>
/// Follows redirects, but only a GET's, only to the same origin (scheme, host and port), at most
/// <see cref="MaxRedirects"/> in a row, and never the answer of <c>GET /v2/authorize</c>, which is meant for a browser.
/// Any other redirect ends the call with a <see cref="ZapierProtocolException"/> before anything is sent to its
/// target: following it would send a POST's body again to wherever the Location points, and report a foreign server's
/// answer as Zapier's. (It replaces Kiota's redirect handler, which follows any origin and only drops the token.)
/// </summary>
internal sealed class RedirectHandler(Uri baseUrl) : DelegatingHandler
{
    /// <summary>Redirects followed for one request before the call fails (Kiota's default, too).</summary>
    public const int MaxRedirects = 5;

    private readonly string _authorizePath = baseUrl.AbsolutePath.TrimEnd('/') + "/v2/authorize";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        for (var followed = 0; IsRedirect(response.StatusCode) && request.RequestUri is { } from; followed++)
        {
            var status = (int)response.StatusCode;
            var location = response.Headers.Location;
            response.Dispose();
            if (Refusal(request.Method, from, status, location) is { } refusal)
            {
                throw new ZapierProtocolException(refusal);
            }

            if (followed == MaxRedirects)
            {
                throw new ZapierProtocolException(
                    $"{request.Method} {from.AbsolutePath} was redirected more than {MaxRedirects} times in a row; stopped to avoid a loop.");
            }

            request.RequestUri = Target(from, location!);
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        return response;
    }

    /// <summary>The redirect statuses.</summary>
    private static bool IsRedirect(HttpStatusCode status) => (int)status is 301 or 302 or 303 or 307 or 308;

    /// <summary>Why a redirect must not be followed, or null when it may be.</summary>
    private string? Refusal(HttpMethod method, Uri from, int status, Uri? location)
    {
        var request = $"{method} {from.AbsolutePath}";
        if (location is null)
        {
            return $"{request} answered {status}, a redirect without a Location header.";
        }

        if (Target(from, location) is not { } target)
        {
            return $"{request} answered {status} with a Location that is not a usable URL.";
        }

        // Never the query (a signature, a client id) nor user:password in the authority.
        var shown = target.GetComponents(UriComponents.Scheme | UriComponents.Host | UriComponents.Port | UriComponents.Path, UriFormat.UriEscaped);
        if (string.Equals(from.AbsolutePath.TrimEnd('/'), _authorizePath, StringComparison.Ordinal))
        {
            return $"{request} answered {status} to {shown}: a redirect into Zapier's sign-in pages, meant for a browser, which the client " +
                   $"does not follow. Open the URL from ZapierClient.{nameof(ZapierClient.GetAuthorizationUrl)} in the user's browser instead.";
        }

        if (!SameOrigin(from, target))
        {
            return $"{request} was redirected ({status}) to another origin, {shown}; redirects that leave {from.GetLeftPart(UriPartial.Authority)} " +
                   "are never followed, so nothing was sent there.";
        }

        return method == HttpMethod.Get
            ? null
            : $"{request} was redirected ({status}) to {shown}; only GET redirects are followed, so the request was not sent again.";
    }

    /// <summary>Where a redirect leads: an absolute Location, or a relative one resolved against the request's URL.</summary>
    private static Uri? Target(Uri from, Uri location) =>
        location.IsAbsoluteUri ? location : Uri.TryCreate(from, location, out var target) ? target : null;

    private static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;
}
