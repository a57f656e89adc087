using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Zapier.Demo;

/// <summary>
/// An in-process stand-in for Zapier's Partner API (WireMock.Net on a free loopback port), used when no
/// credentials are configured. It answers <c>POST /v2/action-runs</c> with a run id, and
/// <c>GET /v2/action-runs/{id}</c> with <c>waiting</c> twice and then <c>success</c> with one result.
/// </summary>
internal sealed class LocalStub : IDisposable
{
    public const string AccessToken = "local-stub-token";
    public const string ActionId = "example_core:AbC123xY";
    public const string AuthenticationId = "example_Auth0001";
    public const string RunId = "7d9f3a2e-4b1c-4e8a-9f6d-2c5b8a1e0f34";

    private const string Scenario = "action-run";
    private const string PolledOnce = "polled-once";
    private const string Finished = "finished";

    private readonly WireMockServer _server;

    private LocalStub(WireMockServer server)
    {
        _server = server;
        BaseUrl = new Uri(server.Url ?? throw new InvalidOperationException("WireMock.Net did not report its address."));
    }

    /// <summary>The stub's address, e.g. <c>http://127.0.0.1:54321</c>.</summary>
    public Uri BaseUrl { get; }

    public static LocalStub Start()
    {
        // Port 0: the OS picks a free port; bound to loopback only.
        var server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        try
        {
            StubCreateRun(server);
            StubRetrieveRun(server);
            return new LocalStub(server);
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    public void Dispose() => _server.Dispose();

    private static void StubCreateRun(WireMockServer server) =>
        server
            .Given(Request.Create().UsingPost().WithPath("/v2/action-runs")
                .WithHeader("Authorization", "Bearer " + AccessToken))
            .RespondWith(Json($$$"""{"data":{"type":"run","id":"{{{RunId}}}"}}"""));

    private static void StubRetrieveRun(WireMockServer server)
    {
        const string waiting = """{"data":{"type":"run","status":"waiting","results":[],"errors":[]}}""";
        const string success =
            """{"data":{"type":"run","status":"success","results":[{"id":123,"email":"user@example.com"}],"errors":[]}}""";

        // A scenario starts with no state; each matched request moves it on: waiting, waiting, then success for good.
        server.Given(RetrieveRun()).InScenario(Scenario).WillSetStateTo(PolledOnce).RespondWith(Json(waiting));
        server.Given(RetrieveRun()).InScenario(Scenario).WhenStateIs(PolledOnce).WillSetStateTo(Finished).RespondWith(Json(waiting));
        server.Given(RetrieveRun()).InScenario(Scenario).WhenStateIs(Finished).WillSetStateTo(Finished).RespondWith(Json(success));
    }

    private static IRequestBuilder RetrieveRun() =>
        Request.Create().UsingGet().WithPath("/v2/action-runs/" + RunId)
            .WithHeader("Authorization", "Bearer " + AccessToken);

    private static IResponseBuilder Json(string body) =>
        Response.Create()
            .WithStatusCode(200)
            .WithHeader("Content-Type", "application/json")
            .WithBody(body);
}
