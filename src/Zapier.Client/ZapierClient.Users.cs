using Zapier.Client.Authentication;
using Zapier.Client.Http;

namespace Zapier.Client;

/// <summary>Views of one client for its many users: each shares everything but the credential.</summary>
public partial class ZapierClient
{
    /// <summary>A user's view over this client's pipeline, budget and connections (see <see cref="ForUser(string, IZapierUserTokenProvider)"/>).</summary>
    private ZapierClient(ZapierRequestAdapter userAdapter)
        : base(userAdapter)
    {
        Core = userAdapter.Core;
    }

    /// <summary>
    /// The same API as this client (generated operations, <see cref="StartActionRunAsync"/>,
    /// <see cref="GetActionRun"/>, list streams, waits) for one user, sending <paramref name="accessToken"/> as its
    /// bearer token. The view shares this client's pipeline, connections, scheduler and request budget; it costs a few
    /// small objects, and disposing it releases nothing (dispose the client). Contended budget slots go round-robin
    /// between users, so one user's queue of requests does not hold back another's.
    /// </summary>
    /// <param name="accessToken">The user's access token; it also names the user's lane in the budget.</param>
    /// <exception cref="ArgumentException">The token is empty.</exception>
    public ZapierClient ForUser(string accessToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accessToken);
        var token = ValueTask.FromResult(accessToken);
        return View(new ZapierUserCredential(accessToken, _ => token, renew: null));
    }

    /// <summary>
    /// Like <see cref="ForUser(string)"/>, asking <paramref name="accessTokenProvider"/> for the user's token for each
    /// request that needs one.
    /// </summary>
    /// <param name="userId">Your id for the user: views with the same id share one lane in the budget.</param>
    /// <param name="accessTokenProvider">Returns the user's access token.</param>
    /// <exception cref="ArgumentException">The user id is empty.</exception>
    public ZapierClient ForUser(string userId, Func<CancellationToken, ValueTask<string>> accessTokenProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        ArgumentNullException.ThrowIfNull(accessTokenProvider);
        return View(new ZapierUserCredential(userId, accessTokenProvider, renew: null));
    }

    /// <summary>
    /// Like <see cref="ForUser(string)"/>, with the user's tokens from <paramref name="tokens"/> (for example a
    /// <see cref="ZapierUserTokenProvider"/> that refreshes them): a request answered 401 is sent once more with the
    /// token <see cref="IZapierUserTokenProvider.RenewAccessTokenAsync"/> returns. An <see cref="ActionRuns.ActionRun"/>
    /// started or fetched through the view polls with the user's token.
    /// </summary>
    /// <param name="userId">Your id for the user: views with the same id share one lane in the budget.</param>
    /// <param name="tokens">Returns and renews users' access tokens.</param>
    /// <exception cref="ArgumentException">The user id is empty.</exception>
    public ZapierClient ForUser(string userId, IZapierUserTokenProvider tokens)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        ArgumentNullException.ThrowIfNull(tokens);
        return View(new ZapierUserCredential(
            userId, ct => tokens.GetAccessTokenAsync(userId, ct), (rejected, ct) => tokens.RenewAccessTokenAsync(userId, rejected, ct)));
    }

    /// <summary>The user this instance is a view for, or null for a client with its own credentials.</summary>
    internal ZapierUserCredential? User => ((ZapierRequestAdapter)RequestAdapter).User;

    private ZapierClient View(ZapierUserCredential user) =>
        new(new ZapierRequestAdapter(((ZapierRequestAdapter)RequestAdapter).Inner, Core, user));
}
