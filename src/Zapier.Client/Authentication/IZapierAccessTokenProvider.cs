namespace Zapier.Client;

/// <summary>
/// Supplies the access token for requests that need one, for example a token kept in a vault and refreshed there.
/// Registered in dependency injection with <c>AddZapierClient(...).AddZapierAccessTokenProvider&lt;T&gt;()</c>, or
/// given to <see cref="ZapierClientOptions.AccessTokenProvider"/> as <c>provider.GetAccessTokenAsync</c>. It is asked
/// for every request that needs a token; caching is its business. The client never logs what it returns.
/// </summary>
public interface IZapierAccessTokenProvider
{
    /// <summary>Returns the access token to send as <c>Authorization: Bearer</c>.</summary>
    ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken);
}
