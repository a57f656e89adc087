using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Zapier.Client.ActionRuns;
using Zapier.Client.Errors;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests.ActionRuns;

/// <summary>Starting a run: the request sent, what is retried (only a 429) and what never is.</summary>
public sealed class StartActionRunTests() : FakeClockStubTest(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero))
{
    [Fact]
    public async Task Start_sends_the_schema_shaped_body_and_returns_a_run_with_its_id()
    {
        RespondToPost(200, """{"data":{"type":"run","id":"arun_7"}}""");
        var request = new ActionRunRequest("core:Vn7xbE60")
        {
            Inputs = new Dictionary<string, object?> { ["email"] = "me@example.com", ["count"] = 3, ["urgent"] = true },
            CallbackUrl = new Uri("https://hooks.example.com/zapier/done"),
        };

        var run = await Client.StartActionRunAsync(request);

        Assert.Equal("arun_7", run.Id);
        Assert.Null(run.LastState);
        var body = JsonNode.Parse(Assert.Single(Stub.Server.LogEntries).RequestMessage.Body!)!;
        Assert.Null(JsonDiff.FirstDifference(JsonNode.Parse("""
            {"data":{"action":"core:Vn7xbE60","authentication":null,"inputs":{"email":"me@example.com","count":3,"urgent":true},
             "callback_url":"https://hooks.example.com/zapier/done"}}
            """), body));
        Assert.True(body["data"]!.AsObject().ContainsKey("authentication"), "authentication must be sent as an explicit null");
    }

    [Theory]
    [InlineData(504)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task A_create_that_may_have_reached_zapier_is_never_sent_again(int status)
    {
        RespondToPost(status, $$"""{"errors":[{"status":{{status}},"code":"gateway","title":"Gateway","detail":"Upstream timed out."}]}""");

        var error = await Assert.ThrowsAsync<ZapierApiException>(() => Client.StartActionRunAsync(new ActionRunRequest("core:1")));

        Assert.Equal(status, error.StatusCode);
        Assert.Single(Stub.Server.LogEntries);
    }

    [Fact]
    public async Task A_429_is_refused_before_processing_so_the_create_is_tried_again_after_retry_after()
    {
        Stub.Server.Given(Request.Create().UsingPost()).InScenario("create").WillSetStateTo("limited")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Content-Type", "application/json").WithHeader("Retry-After", "12")
                .WithBody("""{"errors":[{"status":429,"code":"throttled","title":"Too Many Requests","detail":"Slow down."}]}"""));
        Stub.Server.Given(Request.Create().UsingPost()).InScenario("create").WhenStateIs("limited")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"data":{"type":"run","id":"arun_8"}}"""));

        var run = await FakeTimeDriver.DriveAsync(Clock, Client, Client.StartActionRunAsync(new ActionRunRequest("core:1")));

        Assert.Equal("arun_8", run.Id);
        Assert.Equal(2, Stub.Server.LogEntries.Count());
        Assert.True(Clock.GetUtcNow() >= new DateTimeOffset(2026, 3, 1, 12, 0, 12, TimeSpan.Zero));
    }

    [Fact]
    public async Task A_create_refused_with_429_every_time_is_sent_four_times_in_all_then_the_429_reaches_the_caller()
    {
        // ZapierRetryOptions.MaxRetries (3) counts retries after the first attempt, as the README says.
        RespondToPost(429, """{"errors":[{"status":429,"code":"throttled","title":"Too Many Requests","detail":"Slow down."}]}""");

        var error = await Assert.ThrowsAsync<ZapierApiException>(
            () => FakeTimeDriver.DriveAsync(Clock, Client, Client.StartActionRunAsync(new ActionRunRequest("core:1"))));

        Assert.Equal(429, error.StatusCode);
        Assert.Equal(4, Stub.Server.LogEntries.Count(e => e.RequestMessage.Method == "POST")); // the first attempt and 3 retries
    }

    [Fact]
    public async Task Run_and_wait_starts_the_run_and_returns_it_completed()
    {
        RespondToPost(200, """{"data":{"type":"run","id":"arun_9"}}""");
        Stub.Script("arun_9", Answer.Run("waiting"), Answer.Run("success", results: new JsonArray(new JsonObject { ["ok"] = true })));

        var run = await FakeTimeDriver.DriveAsync(Clock, Client, Client.RunActionAsync(ActionRunWaitUntil.Completed, new ActionRunRequest("core:1")));

        Assert.True(run.HasCompleted);
        Assert.True(run.LastState!.Succeeded);
        Assert.Equal(2, Stub.PollTimes("arun_9").Count);
    }

    [Theory]
    [InlineData("http://hooks.example.com/done")]
    [InlineData("https://127.0.0.1/done")]
    [InlineData("https://192.168.1.20/done")]
    [InlineData("https://10.1.2.3/done")]
    public async Task A_callback_url_zapier_would_refuse_is_rejected_before_sending(string url)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Client.StartActionRunAsync(new ActionRunRequest("core:1") { CallbackUrl = new Uri(url) }));

        Assert.Equal("CallbackUrl", error.ParamName);
        Assert.Empty(Stub.Server.LogEntries);
    }

    [Fact]
    public async Task A_callback_url_over_2048_characters_is_rejected()
    {
        var url = new Uri("https://hooks.example.com/" + new string('a', 2100));

        await Assert.ThrowsAsync<ArgumentException>(() => Client.StartActionRunAsync(new ActionRunRequest("core:1") { CallbackUrl = url }));
    }

    private void RespondToPost(int status, string body) =>
        Stub.Server.Given(Request.Create().UsingPost().WithPath("/v2/action-runs"))
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));
}
