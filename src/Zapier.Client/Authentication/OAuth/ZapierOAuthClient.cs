using System.Security.Cryptography;
using System.Text;
using Duende.IdentityModel;
using Duende.IdentityModel.Client;
using Zapier.Client.Errors;

namespace Zapier.Client.Authentication;

/// <summary>
/// Zapier's OAuth for your integration, on Duende.IdentityModel: the authorization URL for a user's browser, the code
/// exchange, refresh, and the app token (<c>client_credentials</c>) for partner-only calls. The flow is the one Zapier
/// documents for user access tokens (https://docs.zapier.com/powered-by-zapier/authentication/methods/user-access-token);
/// the code a callback brings is valid for 2 minutes. Tokens whose answer carries no <c>expires_in</c> have no known
/// expiry, and no refresh token is assumed.
/// </summary>
public sealed class ZapierOAuthClient
{
    private readonly HttpMessageInvoker _http;
    private readonly ZapierOAuthOptions _options;

    /// <summary>Creates the client over <paramref name="httpClient"/> (any client: the token endpoint is not the Partner API).</summary>
    /// <exception cref="ArgumentException">The options lack a client id or have relative endpoints.</exception>
    public ZapierOAuthClient(HttpClient httpClient, ZapierOAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _http = httpClient;
        _options = options;
    }

    /// <summary>The settings this client uses.</summary>
    public ZapierOAuthOptions Options => _options;

    /// <summary>
    /// The authorization URL for a user, with a fresh random <c>state</c>: <c>response_type=code</c>, your client id,
    /// the redirect URI and the scopes. Nothing is sent.
    /// </summary>
    /// <param name="scopes">The scopes to ask for, from <see cref="ZapierScopes.Declared"/> (see <see cref="ZapierScopes.For"/>).</param>
    /// <param name="usePkce">
    /// Adds an S256 PKCE code challenge. Zapier's documentation does not say whether it accepts PKCE, so it is off by
    /// default; a server that ignores it still works, since the verifier sent later is then ignored too.
    /// </param>
    /// <param name="redirectUri">Overrides <see cref="ZapierOAuthOptions.RedirectUri"/> for this request.</param>
    /// <exception cref="ArgumentException">No scopes, a scope Zapier does not declare, or no redirect URI.</exception>
    public ZapierAuthorizationRequest CreateAuthorizationRequest(IEnumerable<string> scopes, bool usePkce = false, Uri? redirectUri = null)
    {
        var scope = ScopeText(scopes);
        var redirect = RedirectUri(redirectUri);
        var state = CryptoRandom.CreateUniqueId(32);
        string? verifier = null;
        string? challenge = null;
        if (usePkce)
        {
            verifier = CryptoRandom.CreateUniqueId(32);
            challenge = System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        }

        var url = new RequestUrl(_options.AuthorizationEndpoint.AbsoluteUri).CreateAuthorizeUrl(
            clientId: _options.ClientId,
            responseType: OidcConstants.ResponseTypes.Code,
            scope: scope,
            redirectUri: redirect,
            state: state,
            codeChallenge: challenge,
            codeChallengeMethod: challenge is null ? null : OidcConstants.CodeChallengeMethods.Sha256);
        return new ZapierAuthorizationRequest(new Uri(url), state, verifier);
    }

    /// <summary>Exchanges the code a callback brought for the user's tokens.</summary>
    /// <param name="code">The callback's <c>code</c> (check its <c>state</c> first).</param>
    /// <param name="codeVerifier">The PKCE verifier of the authorization request, if it used PKCE.</param>
    /// <param name="redirectUri">The redirect URI the authorization request used, if not the options'.</param>
    /// <param name="cancellationToken">Stops the request.</param>
    /// <exception cref="ZapierOAuthException">Zapier refused the code (e.g. <c>invalid_grant</c>: expired after 2 minutes or used).</exception>
    public async Task<ZapierTokenSet> ExchangeCodeAsync(string code, string? codeVerifier = null, Uri? redirectUri = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        var response = await _http.RequestAuthorizationCodeTokenAsync(
            new AuthorizationCodeTokenRequest
            {
                Address = _options.TokenEndpoint.AbsoluteUri,
                ClientId = _options.ClientId,
                ClientSecret = _options.ClientSecret,
                Code = code,
                RedirectUri = RedirectUri(redirectUri),
                CodeVerifier = codeVerifier,
            },
            cancellationToken).ConfigureAwait(false);
        return Issued(response, "exchange the authorization code");
    }

    /// <summary>Exchanges a refresh token for new tokens (a new refresh token replaces the old one if Zapier sends one).</summary>
    /// <exception cref="ZapierOAuthException">Zapier refused (an <c>invalid_grant</c> means the user must authorize again).</exception>
    public async Task<ZapierTokenSet> RefreshAsync(string refreshToken, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(refreshToken);
        var response = await _http.RequestRefreshTokenAsync(
            new RefreshTokenRequest
            {
                Address = _options.TokenEndpoint.AbsoluteUri,
                ClientId = _options.ClientId,
                ClientSecret = _options.ClientSecret,
                RefreshToken = refreshToken,
            },
            cancellationToken).ConfigureAwait(false);
        var issued = Issued(response, "refresh the access token");
        return issued.RefreshToken is null ? issued with { RefreshToken = refreshToken } : issued;
    }

    /// <summary>
    /// An app access token (<c>grant_type=client_credentials</c>) for partner-only endpoints; the client id and secret go
    /// in the request body, as Zapier's example does
    /// (https://docs.zapier.com/powered-by-zapier/authentication/methods/app-access-token).
    /// </summary>
    /// <exception cref="ArgumentException">No client secret is configured, or a scope Zapier does not declare.</exception>
    /// <exception cref="ZapierOAuthException">Zapier refused.</exception>
    public async Task<ZapierTokenSet> RequestAppTokenAsync(IEnumerable<string> scopes, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(_options.ClientSecret))
        {
            throw new ArgumentException("An app token needs ZapierOAuthOptions.ClientSecret.", nameof(scopes));
        }

        var response = await _http.RequestClientCredentialsTokenAsync(
            new ClientCredentialsTokenRequest
            {
                Address = _options.TokenEndpoint.AbsoluteUri,
                ClientId = _options.ClientId,
                ClientSecret = _options.ClientSecret,
                ClientCredentialStyle = ClientCredentialStyle.PostBody,
                Scope = ScopeText(scopes),
            },
            cancellationToken).ConfigureAwait(false);
        return Issued(response, "obtain an app token");
    }

    private ZapierTokenSet Issued(TokenResponse response, string what)
    {
        if (response.IsError || string.IsNullOrWhiteSpace(response.AccessToken))
        {
            var status = response.HttpStatusCode == 0 ? (int?)null : (int)response.HttpStatusCode;
            var detail = response.Error is { Length: > 0 } error
                ? error + (response.ErrorDescription is { Length: > 0 } d ? ": " + d : string.Empty)
                : response.IsError ? response.Error ?? response.ErrorType.ToString() : "the answer carried no access_token";
            throw new ZapierOAuthException(
                $"Zapier's token endpoint did not {what} ({(status is null ? "no answer" : "HTTP " + status)}; {detail}).",
                response.Error, response.ErrorDescription, status, response.Exception);
        }

        return new ZapierTokenSet
        {
            AccessToken = response.AccessToken,
            RefreshToken = string.IsNullOrEmpty(response.RefreshToken) ? null : response.RefreshToken,
            ExpiresAt = response.ExpiresIn > 0 ? _options.TimeProvider.GetUtcNow().AddSeconds(response.ExpiresIn) : null,
            Scope = string.IsNullOrEmpty(response.Scope) ? null : response.Scope,
        };
    }

    private static string ScopeText(IEnumerable<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        var list = scopes.Distinct(StringComparer.Ordinal).ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("At least one scope is needed (see ZapierScopes.Declared).", nameof(scopes));
        }

        var unknown = list.Where(s => !ZapierScopes.Declared.Contains(s)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException(
                $"Zapier does not declare the scope(s) {string.Join(", ", unknown.Select(s => "'" + s + "'"))}; known: {string.Join(" ", ZapierScopes.Declared)}.",
                nameof(scopes));
        }

        return string.Join(' ', list);
    }

    private string RedirectUri(Uri? overriding) =>
        (overriding ?? _options.RedirectUri)?.AbsoluteUri
        ?? throw new ArgumentException("A redirect URI is needed (ZapierOAuthOptions.RedirectUri or the redirectUri argument).", nameof(overriding));
}
