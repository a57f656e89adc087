namespace Zapier.Client.Authentication;

/// <summary>
/// Supplies the access tokens of many users by user id, for views of one shared client
/// (<see cref="ZapierClient.ForUser(string, IZapierUserTokenProvider)"/>). The client asks it for every request that
/// needs a token (caching is its business) and, once per request, for a fresh token after Zapier answers 401. The
/// client never logs what it returns. <see cref="ZapierUserTokenProvider"/> implements it over Zapier's OAuth and a
/// token store.
/// </summary>
public interface IZapierUserTokenProvider
{
    /// <summary>Returns the user's access token to send as <c>Authorization: Bearer</c>.</summary>
    /// <param name="userId">Your id for the user (the key the client's views were made with).</param>
    /// <param name="cancellationToken">Stops the lookup.</param>
    ValueTask<string> GetAccessTokenAsync(string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Called after Zapier rejected <paramref name="rejectedToken"/> with 401: returns a token to try once more (a
    /// refreshed one, or a newer one another request already obtained), or null to let the 401 stand.
    /// </summary>
    /// <param name="userId">Your id for the user.</param>
    /// <param name="rejectedToken">The token the 401 answered.</param>
    /// <param name="cancellationToken">Stops the renewal.</param>
    ValueTask<string?> RenewAccessTokenAsync(string userId, string rejectedToken, CancellationToken cancellationToken);
}
