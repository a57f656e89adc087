using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using Zapier.Client.ActionRuns;
using Zapier.Client.Errors;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests;

/// <summary>
/// Which redirects the client follows, over real HTTP with two loopback servers on different ports (two origins):
/// only a GET's, only within the configured origin, never GET /v2/authorize's. Nothing may reach the other origin.
/// </summary>
public sealed class RedirectTests : IDisposable
{
    private const string RunJson = """{"data":{"type":"run","status":"success","results":[{"id":7}],"errors":[]}}""";

    private readonly WireMockServer _zapier = Start();
    private readonly WireMockServer _elsewhere = Start();

    public RedirectTests()
    {
        _elsewhere.Given(Request.Create()).RespondWith(Json(200, """{"data":{"type":"run","id":"foreign-run","status":"success","errors":[]}}"""));
    }

    private string Elsewhere => _elsewhere.Urls[0];

    public void Dispose()
    {
        _zapier.Stop();
        _elsewhere.Stop();
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(303)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task A_get_redirected_to_another_origin_is_refused_and_nothing_reaches_that_origin(int status)
    {
        RedirectAll(status, Elsewhere + "/v2/action-runs/r?signature=secret-sig");
        using var client = TestCredentials.Client(new Uri(_zapier.Urls[0]));

        var error = await Assert.ThrowsAsync<ZapierProtocolException>(() => client.V2.ActionRuns["r"].GetAsync());

        AssertRefusedWithNothingSentElsewhere(error);
        Assert.DoesNotContain("secret-sig", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_to_another_host_on_the_same_port_is_refused()
    {
        var port = new Uri(_zapier.Urls[0]).Port;
        RedirectAll(302, $"http://localhost:{port}/v2/action-runs/r");
        using var client = TestCredentials.Client(new Uri(_zapier.Urls[0]));

        var error = await Assert.ThrowsAsync<ZapierProtocolException>(() => client.V2.ActionRuns["r"].GetAsync());

        Assert.Contains($"http://localhost:{port}", error.Message, StringComparison.Ordinal);
        Assert.Single(_zapier.LogEntries); // the same server under another name saw nothing more
    }

    [Theory]
    [InlineData(307)]
    [InlineData(308)]
    [InlineData(302)]
    public async Task Starting_a_run_redirected_to_another_origin_sends_neither_the_body_nor_anything_else_there(int status)
    {
        RedirectAll(status, Elsewhere + "/v2/action-runs");
        using var client = TestCredentials.Client(new Uri(_zapier.Urls[0]));

        var error = await Assert.ThrowsAsync<ZapierProtocolException>(() => client.StartActionRunAsync(new ActionRunRequest("core:secret-action")
        {
            Inputs = new Dictionary<string, object?> { ["email"] = "private@example.com" },
        }));

        AssertRefusedWithNothingSentElsewhere(error);
        Assert.Contains("POST", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wait_redirected_to_another_origin_ends_with_a_protocol_error_and_nothing_reaches_that_origin()
    {
        RedirectAll(302, Elsewhere + "/v2/action-runs/run-1");
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 10, 0, 0, TimeSpan.Zero));
        using var client = TestCredentials.FakeTimeClient(clock, new Uri(_zapier.Urls[0]));

        var wait = client.GetActionRun("run-1").WaitForCompletionAsync();
        var error = await Assert.ThrowsAsync<ZapierProtocolException>(() => FakeTimeDriver.DriveAsync(clock, client, wait));

        AssertRefusedWithNothingSentElsewhere(error);
    }

    [Fact]
    public async Task A_same_origin_redirect_of_a_get_is_followed_with_the_token()
    {
        _zapier.Given(Request.Create().UsingGet().WithPath("/v2/action-runs/old"))
            .RespondWith(Response.Create().WithStatusCode(301).WithHeader("Location", "/v2/action-runs/new"));
        _zapier.Given(Request.Create().UsingGet().WithPath("/v2/action-runs/new")).RespondWith(Json(200, RunJson));
        using var client = TestCredentials.Client(new Uri(_zapier.Urls[0]));

        var run = await client.V2.ActionRuns["old"].GetAsync();

        Assert.Equal(7m, Assert.Single(run!.Data!.Results!).AdditionalData["id"]);
        Assert.Equal(["/v2/action-runs/old", "/v2/action-runs/new"], _zapier.LogEntries.Select(e => e.RequestMessage.Path));
        Assert.All(_zapier.LogEntries, e => Assert.Equal("Bearer " + TestCredentials.AccessToken, e.RequestMessage.Headers!["Authorization"].Single()));
    }

    [Theory]
    [InlineData(307)]
    [InlineData(308)]
    [InlineData(303)]
    public async Task A_same_origin_redirect_of_a_post_is_refused_and_the_body_is_not_sent_again(int status)
    {
        _zapier.Given(Request.Create().UsingPost().WithPath("/v2/action-runs"))
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Location", "/v2/action-runs-moved"));
        _zapier.Given(Request.Create().WithPath("/v2/action-runs-moved")).RespondWith(Json(200, """{"data":{"type":"run","id":"arun_9"}}"""));
        using var client = TestCredentials.Client(new Uri(_zapier.Urls[0]));

        var error = await Assert.ThrowsAsync<ZapierProtocolException>(() => client.StartActionRunAsync(new ActionRunRequest("core:1")));

        Assert.Contains("/v2/action-runs-moved", error.Message, StringComparison.Ordinal);
        Assert.Equal(["/v2/action-runs"], _zapier.LogEntries.Select(e => e.RequestMessage.Path));
    }

    [Fact]
    public async Task A_redirect_without_a_location_is_a_protocol_error_that_says_so()
    {
        _zapier.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithStatusCode(302));
        using var client = TestCredentials.Client(new Uri(_zapier.Urls[0]));

        var error = await Assert.ThrowsAsync<ZapierProtocolException>(() => client.V2.ActionRuns["r"].GetAsync());

        Assert.Contains("Location", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("too many", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_authorize_redirect_is_a_browser_redirect_and_is_not_followed_even_within_the_origin()
    {
        _zapier.Given(Request.Create().UsingGet().WithPath("/v2/authorize"))
            .RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", "/oauth/sign-in?state=s"));
        _zapier.Given(Request.Create().UsingGet().WithPath("/oauth/sign-in"))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/html").WithBody("<html>sign in</html>"));
        using var client = TestCredentials.Client(new Uri(_zapier.Urls[0]));

        var error = await Assert.ThrowsAsync<ZapierProtocolException>(() => client.V2.Authorize.GetAsync(c =>
        {
            c.QueryParameters.RedirectUri = "https://partner.example.com/back";
            c.QueryParameters.ResponseType = "code";
            c.QueryParameters.Scope = "zap action:run";
        }));

        Assert.Contains(nameof(ZapierClient.GetAuthorizationUrl), error.Message, StringComparison.Ordinal);
        Assert.Equal(["/v2/authorize"], _zapier.LogEntries.Select(e => e.RequestMessage.Path));
    }

    [Fact]
    public void The_authorization_url_is_built_for_a_browser_without_sending_anything()
    {
        using var client = TestCredentials.Client(new Uri(_zapier.Urls[0]));

        var url = client.GetAuthorizationUrl(q =>
        {
            q.RedirectUri = "https://partner.example.com/back?x=1";
            q.Scope = "zap action:run";
        });

        Assert.Equal(new Uri(_zapier.Urls[0]).GetLeftPart(UriPartial.Authority) + "/v2/authorize", url.GetLeftPart(UriPartial.Path));
        var query = System.Web.HttpUtility.ParseQueryString(url.Query);
        Assert.Equal(TestCredentials.ClientId, query["client_id"]);
        Assert.Equal("https://partner.example.com/back?x=1", query["redirect_uri"]);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("zap action:run", query["scope"]);
        Assert.Contains("scope=zap%20action%3Arun", url.AbsoluteUri, StringComparison.Ordinal);
        Assert.Empty(_zapier.LogEntries);
    }

    [Fact]
    public void The_authorization_url_needs_a_client_id_a_redirect_uri_and_a_scope()
    {
        using var withoutClientId = TestCredentials.Client(new Uri(_zapier.Urls[0]), withClientId: false);
        using var client = TestCredentials.Client(new Uri(_zapier.Urls[0]));

        var noClientId = Assert.Throws<ArgumentException>(() => withoutClientId.GetAuthorizationUrl(q => { q.RedirectUri = "https://p.example.com/"; q.Scope = "zap"; }));
        var noRedirect = Assert.Throws<ArgumentException>(() => client.GetAuthorizationUrl(q => q.Scope = "zap"));
        var noScope = Assert.Throws<ArgumentException>(() => client.GetAuthorizationUrl(q => q.RedirectUri = "https://p.example.com/"));

        Assert.Contains("client_id", noClientId.Message, StringComparison.Ordinal);
        Assert.Contains("redirect_uri", noRedirect.Message, StringComparison.Ordinal);
        Assert.Contains("scope", noScope.Message, StringComparison.Ordinal);
    }

    private static WireMockServer Start() =>
        WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = false });

    private static IResponseBuilder Json(int status, string body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);

    /// <summary>The error names the other origin; the first server saw the one request, the other origin nothing.</summary>
    private void AssertRefusedWithNothingSentElsewhere(Exception error)
    {
        Assert.Contains(Elsewhere, error.Message, StringComparison.Ordinal);
        Assert.Single(_zapier.LogEntries);
        Assert.Empty(_elsewhere.LogEntries);
    }

    private void RedirectAll(int status, string location) =>
        _zapier.Given(Request.Create()).RespondWith(Response.Create().WithStatusCode(status).WithHeader("Location", location));
}
