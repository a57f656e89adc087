using System.Collections.Concurrent;
using System.Text;
using System.Web;
using Microsoft.Extensions.Time.Testing;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using Zapier.Client.Authentication;
using Zapier.Client.Errors;
using Zapier.Client.Tests.Faults;

namespace Zapier.Client.Tests.Users;

/// <summary>
/// The OAuth helpers against a WireMock token endpoint: the authorization URL, the code exchange, the app token,
/// refresh ahead of expiry and after a 401, a revoked refresh token, and one refresh for many concurrent requests.
/// </summary>
public sealed class OAuthTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 7, 1, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly WireMockServer _server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = false });
    private readonly HttpClient _http = new();
    private readonly ConcurrentQueue<(Dictionary<string, string> Form, string? Authorization)> _tokenRequests = new();
    private Func<Dictionary<string, string>, FaultAnswer> _answer = _ => FaultAnswer.Error(500);
    private TaskCompletionSource? _hold;

    public OAuthTests()
    {
        _server.Given(Request.Create().UsingPost().WithPath("/oauth/token/")).RespondWith(Response.Create().WithCallback(async r =>
        {
            var form = HttpUtility.ParseQueryString(r.Body ?? string.Empty);
            var fields = form.AllKeys.ToDictionary(k => k!, k => form[k]!);
            _tokenRequests.Enqueue((fields, r.Headers?.TryGetValue("Authorization", out var a) == true ? a.Single() : null));
            if (_hold is { } hold)
            {
                await hold.Task;
            }

            return _answer(fields).ToResponse();
        }));
        Options = new ZapierOAuthOptions
        {
            ClientId = "cid",
            ClientSecret = "secret",
            RedirectUri = new Uri("https://app.example.com/zapier/callback"),
            TokenEndpoint = new Uri(_server.Urls[0] + "/oauth/token/"),
            TimeProvider = _clock,
        };
    }

    private ZapierOAuthOptions Options { get; }

    [Fact]
    public void The_authorization_url_names_the_client_redirect_scopes_and_a_fresh_state_and_adds_pkce_only_when_asked()
    {
        var oauth = new ZapierOAuthClient(_http, Options);

        var plain = oauth.CreateAuthorizationRequest(["zap", "action:run"]);
        var pkce = oauth.CreateAuthorizationRequest(["zap"], usePkce: true);

        var query = HttpUtility.ParseQueryString(plain.Url.Query);
        Assert.Equal("https://api.zapier.com/v2/authorize", plain.Url.GetLeftPart(UriPartial.Path));
        Assert.Equal(("code", "cid", "https://app.example.com/zapier/callback", "zap action:run", plain.State),
            (query["response_type"], query["client_id"], query["redirect_uri"], query["scope"], query["state"]));
        Assert.Null(query["code_challenge"]);
        Assert.Null(plain.CodeVerifier);
        Assert.NotEqual(plain.State, pkce.State);
        var challenge = HttpUtility.ParseQueryString(pkce.Url.Query);
        Assert.Equal("S256", challenge["code_challenge_method"]);
        Assert.Equal(System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.SHA256.HashData(Encoding.ASCII.GetBytes(pkce.CodeVerifier!))), challenge["code_challenge"]);
    }

    [Fact]
    public void A_scope_zapier_does_not_declare_or_no_scope_is_refused()
    {
        var oauth = new ZapierOAuthClient(_http, Options);

        var error = Assert.Throws<ArgumentException>(() => oauth.CreateAuthorizationRequest(["zap", "zaps:everything"]));
        Assert.Contains("'zaps:everything'", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => oauth.CreateAuthorizationRequest([]));
    }

    [Fact]
    public async Task The_code_exchange_posts_the_code_with_basic_client_credentials_and_returns_the_tokens_with_their_expiry()
    {
        _answer = _ => Tokens("at-1", "rt-1", expiresIn: 3600);
        var oauth = new ZapierOAuthClient(_http, Options);

        var tokens = await oauth.ExchangeCodeAsync("c0de", codeVerifier: "verifier");

        Assert.Equal(new ZapierTokenSet { AccessToken = "at-1", RefreshToken = "rt-1", ExpiresAt = Start.AddHours(1), Scope = "zap" }, tokens);
        var (form, authorization) = Assert.Single(_tokenRequests);
        Assert.Equal(("authorization_code", "c0de", "https://app.example.com/zapier/callback", "verifier"),
            (form["grant_type"], form["code"], form["redirect_uri"], form["code_verifier"]));
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("cid:secret")), authorization);
    }

    [Fact]
    public async Task A_refused_code_is_a_typed_error_with_the_oauth_error()
    {
        _answer = _ => FaultAnswer.Json(400, """{"error":"invalid_grant","error_description":"Code expired."}""");
        var oauth = new ZapierOAuthClient(_http, Options);

        var error = await Assert.ThrowsAsync<ZapierOAuthException>(() => oauth.ExchangeCodeAsync("old"));

        Assert.Equal(("invalid_grant", "Code expired.", 400), (error.Error, error.ErrorDescription, error.StatusCode));
    }

    [Fact]
    public async Task The_app_token_uses_client_credentials_with_the_secret_in_the_body()
    {
        _answer = _ => Tokens("app-1", refresh: null, expiresIn: null);
        var oauth = new ZapierOAuthClient(_http, Options);

        var tokens = await oauth.RequestAppTokenAsync(["zap:all"]);

        Assert.Equal(("app-1", null, null), (tokens.AccessToken, tokens.RefreshToken, tokens.ExpiresAt));
        var (form, authorization) = Assert.Single(_tokenRequests);
        Assert.Equal(("client_credentials", "zap:all", "cid", "secret"), (form["grant_type"], form["scope"], form["client_id"], form["client_secret"]));
        Assert.Null(authorization);
    }

    [Fact]
    public async Task A_token_due_within_the_refresh_margin_is_refreshed_before_use_and_the_new_tokens_are_stored()
    {
        _answer = f => f["grant_type"] == "refresh_token" && f["refresh_token"] == "rt-1" ? Tokens("at-2", refresh: null, expiresIn: 3600) : FaultAnswer.Error(400);
        var store = new InMemoryZapierTokenStore();
        await store.SaveAsync("u1", new ZapierTokenSet { AccessToken = "at-1", RefreshToken = "rt-1", ExpiresAt = Start.AddMinutes(10) }, default);
        var tokens = new ZapierUserTokenProvider(new ZapierOAuthClient(_http, Options), store);

        var early = await tokens.GetAccessTokenAsync("u1", default);
        _clock.Advance(TimeSpan.FromMinutes(9.5)); // 30 s before expiry: inside the 60 s margin
        var late = await tokens.GetAccessTokenAsync("u1", default);

        Assert.Equal(("at-1", "at-2"), (early, late));
        Assert.Equal(1, tokens.Refreshes);
        // Zapier sent no new refresh token: the old one is kept for the next refresh.
        Assert.Equal(new ZapierTokenSet { AccessToken = "at-2", RefreshToken = "rt-1", ExpiresAt = _clock.GetUtcNow().AddHours(1), Scope = "zap" }, await store.GetAsync("u1", default));
    }

    [Fact]
    public async Task A_token_without_expiry_is_used_as_is_and_an_unknown_user_must_authorize()
    {
        var store = new InMemoryZapierTokenStore();
        await store.SaveAsync("u1", new ZapierTokenSet { AccessToken = "forever" }, default);
        var tokens = new ZapierUserTokenProvider(new ZapierOAuthClient(_http, Options), store);
        _clock.Advance(TimeSpan.FromDays(400));

        Assert.Equal("forever", await tokens.GetAccessTokenAsync("u1", default));
        var error = await Assert.ThrowsAsync<ZapierReauthorizationRequiredException>(() => tokens.GetAccessTokenAsync("u2", default).AsTask());
        Assert.Equal("u2", error.UserId);
        Assert.Empty(_tokenRequests);
    }

    [Fact]
    public async Task A_revoked_refresh_token_throws_reauthorization_required_and_forgets_the_users_tokens()
    {
        _answer = _ => FaultAnswer.Json(400, """{"error":"invalid_grant","error_description":"Token revoked."}""");
        var store = new InMemoryZapierTokenStore();
        await store.SaveAsync("u1", new ZapierTokenSet { AccessToken = "at-1", RefreshToken = "rt-revoked", ExpiresAt = Start }, default);
        var tokens = new ZapierUserTokenProvider(new ZapierOAuthClient(_http, Options), store);

        var error = await Assert.ThrowsAsync<ZapierReauthorizationRequiredException>(() => tokens.GetAccessTokenAsync("u1", default).AsTask());

        Assert.Equal(("u1", "invalid_grant", 400), (error.UserId, error.Error, error.StatusCode));
        Assert.Contains("authorization again", error.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetAsync("u1", default));
    }

    [Fact]
    public async Task Concurrent_requests_of_one_user_with_an_expired_token_make_one_refresh()
    {
        _answer = _ => Tokens("at-2", "rt-2", expiresIn: 3600);
        _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var store = new InMemoryZapierTokenStore();
        await store.SaveAsync("u1", new ZapierTokenSet { AccessToken = "at-1", RefreshToken = "rt-1", ExpiresAt = Start }, default);
        var tokens = new ZapierUserTokenProvider(new ZapierOAuthClient(_http, Options), store);

        var asks = Enumerable.Range(0, 20).Select(_ => tokens.GetAccessTokenAsync("u1", default).AsTask()).ToList();
        while (_tokenRequests.IsEmpty)
        {
            await Task.Yield();
        }

        _hold.SetResult();
        var results = await Task.WhenAll(asks);

        Assert.All(results, t => Assert.Equal("at-2", t));
        Assert.Single(_tokenRequests);
        Assert.Equal(1, tokens.Refreshes);
    }

    [Fact]
    public async Task A_401_refreshes_the_users_token_once_and_sends_the_request_again_with_the_new_one()
    {
        _answer = _ => Tokens("at-new", "rt-2", expiresIn: 3600);
        var store = new InMemoryZapierTokenStore();
        await store.SaveAsync("u1", new ZapierTokenSet { AccessToken = "at-old", RefreshToken = "rt-1", ExpiresAt = Start.AddHours(1) }, default);
        var tokens = new ZapierUserTokenProvider(new ZapierOAuthClient(_http, Options), store);
        using var api = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = false });
        api.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithCallback(r =>
            (r.Headers!["Authorization"].Single() == "Bearer at-new" ? FaultAnswer.Json(200, FaultAnswer.RunJson) : FaultAnswer.Error(401)).ToResponse()));
        using var client = new ZapierClient(new ZapierClientOptions { BaseUrl = new Uri(api.Urls[0]) });

        var state = await client.ForUser("u1", tokens).GetActionRun("run-1").UpdateStatusAsync();

        Assert.True(state.Succeeded);
        Assert.Equal(["Bearer at-old", "Bearer at-new"], api.LogEntries.OrderBy(e => e.RequestMessage.DateTime).Select(e => e.RequestMessage.Headers!["Authorization"].Single()));
        Assert.Equal(1, tokens.Refreshes);
    }

    [Fact]
    public async Task A_401_for_a_renewed_token_reaches_the_caller_after_one_renewal()
    {
        _answer = _ => Tokens("at-new", "rt-2", expiresIn: 3600);
        var store = new InMemoryZapierTokenStore();
        await store.SaveAsync("u1", new ZapierTokenSet { AccessToken = "at-old", RefreshToken = "rt-1" }, default);
        var tokens = new ZapierUserTokenProvider(new ZapierOAuthClient(_http, Options), store);
        using var api = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = false });
        api.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithCallback(_ => FaultAnswer.Error(401).ToResponse()));
        using var client = new ZapierClient(new ZapierClientOptions { BaseUrl = new Uri(api.Urls[0]) });

        var error = await Assert.ThrowsAsync<ZapierApiException>(() => client.ForUser("u1", tokens).GetActionRun("run-1").UpdateStatusAsync());

        Assert.Equal(401, error.StatusCode);
        Assert.Equal(2, api.LogEntries.Count());
        Assert.Equal(1, tokens.Refreshes);
    }

    public void Dispose()
    {
        _hold?.TrySetResult();
        _server.Stop();
        _http.Dispose();
    }

    private static FaultAnswer Tokens(string access, string? refresh, int? expiresIn)
    {
        var json = new System.Text.Json.Nodes.JsonObject { ["access_token"] = access, ["token_type"] = "Bearer", ["scope"] = "zap" };
        if (refresh is not null)
        {
            json["refresh_token"] = refresh;
        }

        if (expiresIn is not null)
        {
            json["expires_in"] = expiresIn;
        }

        return FaultAnswer.Json(200, json.ToJsonString());
    }
}
