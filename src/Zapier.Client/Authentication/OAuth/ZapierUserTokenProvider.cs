using System.Collections.Concurrent;
using Zapier.Client.Errors;

namespace Zapier.Client.Authentication;

/// <summary>
/// Users' access tokens from an <see cref="IZapierTokenStore"/>, refreshed through <see cref="ZapierOAuthClient"/>:
/// ahead of expiry (<see cref="ZapierOAuthOptions.RefreshAhead"/>) and once after a 401. Concurrent refreshes for one
/// user collapse into one request to the token endpoint. When the user's authorization is gone it throws
/// <see cref="ZapierReauthorizationRequiredException"/> (and, for a refused refresh token, removes the stored tokens).
/// Give it to <see cref="ZapierClient.ForUser(string, IZapierUserTokenProvider)"/> so a view just names the user.
/// </summary>
public sealed class ZapierUserTokenProvider : IZapierUserTokenProvider
{
    private readonly ZapierOAuthClient _oauth;
    private readonly IZapierTokenStore _store;
    private readonly ConcurrentDictionary<string, Task<ZapierTokenSet>> _refreshing = new(StringComparer.Ordinal);

    /// <summary>Creates the provider over a token store and the OAuth client that refreshes.</summary>
    public ZapierUserTokenProvider(ZapierOAuthClient oauth, IZapierTokenStore store)
    {
        ArgumentNullException.ThrowIfNull(oauth);
        ArgumentNullException.ThrowIfNull(store);
        _oauth = oauth;
        _store = store;
    }

    /// <summary>Refreshes done (not counting callers that joined one already under way).</summary>
    public long Refreshes => Interlocked.Read(ref _refreshes);

    private long _refreshes;

    /// <inheritdoc />
    /// <exception cref="ZapierReauthorizationRequiredException">The user must authorize again.</exception>
    /// <exception cref="ZapierOAuthException">The token endpoint failed otherwise.</exception>
    public async ValueTask<string> GetAccessTokenAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        var tokens = await _store.GetAsync(userId, cancellationToken).ConfigureAwait(false)
            ?? throw new ZapierReauthorizationRequiredException(userId, $"No Zapier tokens are stored for user '{userId}': send the user through authorization.");
        if (!IsDue(tokens))
        {
            return tokens.AccessToken;
        }

        if (tokens.RefreshToken is null && tokens.ExpiresAt > _oauth.Options.TimeProvider.GetUtcNow())
        {
            return tokens.AccessToken; // nothing to refresh with: use it until it actually expires
        }

        return (await RefreshAsync(userId, tokens, cancellationToken).ConfigureAwait(false)).AccessToken;
    }

    /// <inheritdoc />
    /// <exception cref="ZapierReauthorizationRequiredException">Zapier refused the refresh token: the user must authorize again.</exception>
    public async ValueTask<string?> RenewAccessTokenAsync(string userId, string rejectedToken, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        var tokens = await _store.GetAsync(userId, cancellationToken).ConfigureAwait(false);
        if (tokens is null)
        {
            return null;
        }

        if (tokens.AccessToken != rejectedToken)
        {
            return tokens.AccessToken; // another request refreshed already
        }

        return tokens.RefreshToken is null ? null : (await RefreshAsync(userId, tokens, cancellationToken).ConfigureAwait(false)).AccessToken;
    }

    private bool IsDue(ZapierTokenSet tokens) =>
        tokens.ExpiresAt is { } expires && expires - _oauth.Options.RefreshAhead <= _oauth.Options.TimeProvider.GetUtcNow();

    /// <summary>One refresh per user at a time: callers that arrive while one runs wait for its result.</summary>
    private async Task<ZapierTokenSet> RefreshAsync(string userId, ZapierTokenSet stale, CancellationToken cancellationToken)
    {
        if (stale.RefreshToken is null)
        {
            throw new ZapierReauthorizationRequiredException(userId, $"The Zapier access token of user '{userId}' expired and no refresh token was issued: send the user through authorization.");
        }

        var started = new TaskCompletionSource<ZapierTokenSet>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = _refreshing.GetOrAdd(userId, started.Task);
        if (running == started.Task)
        {
            try
            {
                // Not the caller's token: a refresh others wait on must not end because the first caller gave up.
                started.SetResult(await RefreshNowAsync(userId, stale).ConfigureAwait(false));
            }
            catch (Exception e)
            {
                started.SetException(e);
            }
            finally
            {
                _refreshing.TryRemove(new KeyValuePair<string, Task<ZapierTokenSet>>(userId, started.Task));
            }
        }

        return await running.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<ZapierTokenSet> RefreshNowAsync(string userId, ZapierTokenSet stale)
    {
        // The store may already hold newer tokens (another instance refreshed): use them instead of refreshing again.
        var current = await _store.GetAsync(userId, CancellationToken.None).ConfigureAwait(false);
        if (current is not null && current.AccessToken != stale.AccessToken && !IsDue(current))
        {
            return current;
        }

        Interlocked.Increment(ref _refreshes);
        ZapierTokenSet fresh;
        try
        {
            fresh = await _oauth.RefreshAsync(stale.RefreshToken!, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ZapierOAuthException e) when (e.Error is "invalid_grant")
        {
            // The user may have authorized again (or another instance rotated the tokens) while this refresh ran: keep
            // what is stored now unless it is still the set that was refused.
            var now = await _store.GetAsync(userId, CancellationToken.None).ConfigureAwait(false);
            if (now is not null && (now.AccessToken != stale.AccessToken || now.RefreshToken != stale.RefreshToken))
            {
                return now;
            }

            await _store.RemoveAsync(userId, CancellationToken.None).ConfigureAwait(false);
            throw new ZapierReauthorizationRequiredException(
                userId, $"Zapier refused the refresh token of user '{userId}' (revoked or expired): send the user through authorization again.",
                e.Error, e.ErrorDescription, e.StatusCode);
        }

        await _store.SaveAsync(userId, fresh, CancellationToken.None).ConfigureAwait(false);
        return fresh;
    }
}
