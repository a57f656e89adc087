using System.Net;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Zapier.Client.Errors;
using Zapier.Client.Generated.Models;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests;

/// <summary>Construction rules, where credentials go, and what the HTTP pipeline must never do.</summary>
public sealed class ClientBehaviourTests(StubServerFixture stub) : IClassFixture<StubServerFixture>, IDisposable
{
    private readonly WireMockServer _elsewhere = WireMockServer.Start();

    public void Dispose() => _elsewhere.Stop();

    [Theory]
    [InlineData("http://api.zapier.com")]
    [InlineData("http://10.0.0.5:8080")]
    [InlineData("ftp://api.zapier.com")]
    [InlineData("https://api.zapier.com/?x=1")]
    public void A_base_url_that_is_not_https_or_loopback_is_refused(string baseUrl)
    {
        var error = Assert.Throws<ArgumentException>(() => new ZapierClient("token", new ZapierClientOptions { BaseUrl = new Uri(baseUrl) }));
        Assert.Contains(baseUrl.TrimEnd('/'), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9999")]
    [InlineData("http://localhost:9999")]
    [InlineData("http://[::1]:9999")]
    [InlineData("https://api.zapier.com")]
    public void Https_and_loopback_base_urls_are_accepted(string baseUrl)
    {
        using var client = new ZapierClient("token", new ZapierClientOptions { BaseUrl = new Uri(baseUrl) });
        Assert.Equal(new Uri(baseUrl), client.BaseUrl);
    }

    [Fact]
    public void Empty_credentials_are_refused_at_construction()
    {
        Assert.Throws<ArgumentException>(() => new ZapierClient("  "));
        Assert.Throws<ArgumentException>(() => new ZapierClient(new ZapierClientOptions { ClientId = "" }));
    }

    [Fact]
    public async Task An_operation_needing_a_token_fails_before_sending_when_none_is_configured()
    {
        stub.Server.Reset();
        using var client = TestCredentials.Client(stub.BaseUrl, withToken: false);

        var error = await Assert.ThrowsAsync<ZapierCredentialsException>(() => client.V2.ActionRuns["run-1"].GetAsync());

        Assert.Equal("retrieve-action-run", error.OperationId);
        Assert.Contains("access token", error.Message, StringComparison.Ordinal);
        Assert.Empty(stub.Server.LogEntries);
    }

    [Fact]
    public async Task An_operation_accepting_either_uses_the_client_id_when_there_is_no_token()
    {
        RespondOk(stub.Server, """{"links":{},"meta":{"count":0,"limit":10},"data":[]}""");
        using var client = TestCredentials.Client(stub.BaseUrl, withToken: false);

        await client.V2.Actions.GetAsync(c => c.QueryParameters.App = Guid.Parse("8c1b7ba2-3d60-4a55-9b1f-8f1a2a9d3e01"));

        var sent = Assert.Single(stub.Server.LogEntries).RequestMessage;
        Assert.Equal(TestCredentials.ClientId, sent.Query!["client_id"].Single());
        Assert.False(sent.Headers!.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task The_token_provider_is_asked_for_each_request()
    {
        RespondOk(stub.Server, """{"data":{"type":"run","status":"waiting","errors":[]}}""");
        var issued = 0;
        using var client = new ZapierClient(
            _ => ValueTask.FromResult("token-" + Interlocked.Increment(ref issued)),
            new ZapierClientOptions { BaseUrl = stub.BaseUrl });

        await client.V2.ActionRuns["r"].GetAsync();
        await client.V2.ActionRuns["r"].GetAsync();

        Assert.Equal(["Bearer token-1", "Bearer token-2"], stub.Server.LogEntries.Select(e => e.RequestMessage.Headers!["Authorization"].Single()));
    }

    [Fact]
    public async Task The_token_is_not_sent_to_another_origin_even_on_request()
    {
        RespondOk(_elsewhere, """{"data":{"type":"run","status":"waiting","errors":[]}}""");
        using var client = TestCredentials.Client(stub.BaseUrl);

        await client.V2.ActionRuns["r"].WithUrl(_elsewhere.Urls[0] + "/v2/action-runs/r").GetAsync();

        var sent = Assert.Single(_elsewhere.LogEntries).RequestMessage;
        Assert.False(sent.Headers!.ContainsKey("Authorization"));
    }

    [Theory]
    [InlineData(504)]
    [InlineData(503)]
    [InlineData(500)]
    public async Task Creating_a_run_is_sent_once_and_a_failure_surfaces_typed(int status)
    {
        stub.Server.Reset();
        stub.Server.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(status)
            .WithHeader("Content-Type", "application/json").WithHeader("Retry-After", "0")
            .WithBody($$"""{"errors":[{"status":{{status}},"code":"unavailable","title":"Unavailable","detail":"Try later."}]}"""));
        using var client = new ZapierClient(new ZapierClientOptions { BaseUrl = stub.BaseUrl, AccessToken = TestCredentials.AccessToken }); // retries on

        var error = await Assert.ThrowsAsync<ZapierApiException>(() => client.V2.ActionRuns.PostAsync(new RunActionRequest
        {
            Data = new RunActionRequestData { Action = "core:1", Inputs = new ActionRunInputs() },
        }));

        Assert.Equal(status, error.StatusCode);
        Assert.IsType<ErrorResponse>(error.InnerException);
        Assert.Single(stub.Server.LogEntries);
    }

    [Fact]
    public async Task An_error_message_names_status_code_title_detail_and_request_id()
    {
        stub.Server.Reset();
        stub.Server.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithStatusCode(404)
            .WithHeader("Content-Type", "application/json").WithHeader("X-Request-Id", "req-42")
            .WithBody("""{"errors":[{"status":404,"code":"not_found","title":"NotFound","detail":"No such run."}]}"""));
        using var client = TestCredentials.Client(stub.BaseUrl);

        var error = await Assert.ThrowsAsync<ZapierApiException>(() => client.V2.ActionRuns["missing"].GetAsync());

        Assert.Equal(
            "Zapier API request GET /v2/action-runs/missing failed with 404 (Not Found): NotFound [not_found]: No such run. Request id: req-42.",
            error.Message);
        Assert.Equal(HttpStatusCode.NotFound, (HttpStatusCode)error.StatusCode);
        Assert.DoesNotContain(TestCredentials.AccessToken, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_caller_transport_gets_the_whole_pipeline_and_is_not_disposed()
    {
        stub.Server.Reset();
        var requests = 0;
        stub.Server.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithCallback(_ => Interlocked.Increment(ref requests) == 1
            ? new WireMock.ResponseMessage { StatusCode = 503 }
            : Faults.FaultAnswer.Message(200, """{"data":{"type":"run","status":"waiting","errors":[]}}""")));
        using var transport = new SocketsHttpHandler { AllowAutoRedirect = false };
        ActionRunResponse? run;
        using (var client = new ZapierClient(transport, new ZapierClientOptions
               {
                   BaseUrl = stub.BaseUrl, AccessToken = "t", Retry = ZapierRetryOptions.Default with { BaseDelay = TimeSpan.Zero },
               }))
        {
            run = await client.V2.ActionRuns["r"].GetAsync(); // the 503 is retried: the pipeline wraps the caller's transport
        }

        Assert.Equal(ActionRunResponseStatusEnum.Waiting, run!.Data!.Status);
        using var http = new HttpClient(transport, disposeHandler: false);
        using var stillUsable = await http.GetAsync(new Uri(stub.BaseUrl, "/v2/action-runs/r"));
        Assert.Equal(HttpStatusCode.OK, stillUsable.StatusCode);
        Assert.Equal(3, stub.Server.LogEntries.Count());
    }

    private static void RespondOk(WireMockServer server, string body)
    {
        server.Reset();
        server.Given(Request.Create()).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body));
    }
}
