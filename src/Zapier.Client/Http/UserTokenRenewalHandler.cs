using System.Net;
using System.Net.Http.Headers;

namespace Zapier.Client.Http;

/// <summary>
/// For a call of a user's view whose token source can renew (<see cref="Authentication.IZapierUserTokenProvider"/>):
/// a 401 asks the source once for a fresh token for the rejected one and sends the request again with it (through the
/// retry policy and the budget, like any attempt). Every other call goes straight through at no cost.
/// </summary>
internal sealed class UserTokenRenewalHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var renew = ZapierCallContext.Of(request)?.User?.Renew;
        return renew is null ? base.SendAsync(request, cancellationToken) : SendRenewingAsync(request, renew, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendRenewingAsync(
        HttpRequestMessage request, Func<string, CancellationToken, ValueTask<string?>> renew, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized
            || request.Headers.Authorization is not { Scheme: "Bearer", Parameter: { Length: > 0 } rejected })
        {
            return response;
        }

        var fresh = await renew(rejected, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(fresh) || fresh == rejected)
        {
            return response; // nothing better to send: the caller gets the 401
        }

        response.Dispose();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fresh);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
