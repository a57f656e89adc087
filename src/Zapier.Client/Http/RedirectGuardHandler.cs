using System.Net;
using Zapier.Client.Errors;

namespace Zapier.Client.Http;

/// <summary>
/// Decides which redirects Kiota's <see cref="Microsoft.Kiota.Http.HttpClientLibrary.Middleware.RedirectHandler"/>
/// (the handler just outside this one) may follow: only a GET's, only to the same origin (scheme, host and port), and
/// never the answer of <c>GET /v2/authorize</c>, which is meant for a browser. Any other redirect ends the call with a
/// <see cref="ZapierProtocolException"/> before anything is sent to its target: following it would send a POST's body
/// again to wherever the Location points, and report a foreign server's answer as Zapier's.
/// </summary>
internal sealed class RedirectGuardHandler(Uri baseUrl) : DelegatingHandler
{
    private readonly string _authorizePath = baseUrl.AbsolutePath.TrimEnd('/') + "/v2/authorize";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!IsRedirect(response.StatusCode) || request.RequestUri is not { } from)
        {
            return response;
        }

        var refusal = Refusal(request.Method, from, (int)response.StatusCode, response.Headers.Location);
        if (refusal is null)
        {
            return response;
        }

        response.Dispose();
        throw new ZapierProtocolException(refusal);
    }

    /// <summary>The statuses Kiota's redirect handler follows.</summary>
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

        var shown = target.GetLeftPart(UriPartial.Path); // never the query, which may carry a signature or a client id
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

    /// <summary>The URL Kiota's redirect handler will request: a relative Location is appended to the scheme and server.</summary>
    private static Uri? Target(Uri from, Uri location) =>
        location.IsAbsoluteUri ? location
        : Uri.TryCreate(from.GetComponents(UriComponents.SchemeAndServer | UriComponents.KeepDelimiter, UriFormat.Unescaped) + location,
            UriKind.Absolute, out var target) ? target : null;

    private static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;
}
