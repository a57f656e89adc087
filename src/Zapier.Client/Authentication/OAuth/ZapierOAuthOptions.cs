namespace Zapier.Client.Authentication;

/// <summary>
/// Your integration's OAuth settings for <see cref="ZapierOAuthClient"/>: the Client ID and Secret from Zapier's
/// Developer Platform (Embed → Settings) and the redirect URI registered there. The endpoints default to the ones
/// Zapier documents (https://docs.zapier.com/powered-by-zapier/authentication/methods/user-access-token).
/// </summary>
public sealed class ZapierOAuthOptions
{
    /// <summary>Your integration's OAuth client id.</summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary>Your integration's OAuth client secret (the code exchange, refresh and app token send it).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Where Zapier sends the browser back with <c>code</c> and <c>state</c>; must match a registered redirect URI.</summary>
    public Uri? RedirectUri { get; set; }

    /// <summary>Where the browser goes to authorize (default <c>https://api.zapier.com/v2/authorize</c>).</summary>
    public Uri AuthorizationEndpoint { get; set; } = new("https://api.zapier.com/v2/authorize");

    /// <summary>Where codes and refresh tokens are exchanged and app tokens issued (default <c>https://zapier.com/oauth/token/</c>).</summary>
    public Uri TokenEndpoint { get; set; } = new("https://zapier.com/oauth/token/");

    /// <summary>
    /// How long before its expiry a token counts as expired, so it is refreshed before a request can meet its end
    /// (default 60 seconds). Applies only to tokens that came with <c>expires_in</c>.
    /// </summary>
    public TimeSpan RefreshAhead { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The clock for expiry (tests use a fake one).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(ClientId))
        {
            throw new ArgumentException("ZapierOAuthOptions.ClientId is required.", nameof(ClientId));
        }

        if (!AuthorizationEndpoint.IsAbsoluteUri || !TokenEndpoint.IsAbsoluteUri)
        {
            throw new ArgumentException("The OAuth endpoints must be absolute URLs.", nameof(TokenEndpoint));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(RefreshAhead, TimeSpan.Zero, nameof(RefreshAhead));
    }
}
