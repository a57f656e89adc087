using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Zapier.Client.ActionRuns;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests.ActionRuns;

/// <summary>Starting a run: the request sent and the callback URLs refused before sending (what is retried: <see cref="SandboxedActionRunTests"/>).</summary>
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
