using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Zapier.Client.ActionRuns;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests.ActionRuns;

/// <summary>Many waits on one client share one scheduler and one request budget.</summary>
public sealed class ActionRunConcurrencyTests
{
    [Fact]
    public async Task Two_hundred_concurrent_waits_finish_without_a_single_429_from_a_60_per_minute_server()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero));
        using var stub = new RunStub(clock);
        var recent = new Queue<DateTimeOffset>();
        var polls = new Dictionary<string, int>();
        var rejected = 0;
        stub.Server.Given(Request.Create().UsingGet().WithPath(new WireMock.Matchers.RegexMatcher("^/v2/action-runs/[^/]+$")))
            .RespondWith(Response.Create().WithCallback(request =>
            {
                lock (recent)
                {
                    // The server's rule: at most 60 requests in any 60 seconds, else 429.
                    var now = clock.GetUtcNow();
                    while (recent.Count > 0 && recent.Peek() <= now - TimeSpan.FromMinutes(1))
                    {
                        recent.Dequeue();
                    }

                    if (recent.Count >= 60)
                    {
                        rejected++;
                        return RunStub.Build(Answer.Error(429, ("Retry-After", "60")));
                    }

                    recent.Enqueue(now);
                    var id = request.Path.Split('/')[^1];
                    polls[id] = polls.GetValueOrDefault(id) + 1;
                    return RunStub.Build(Answer.Run(polls[id] >= 3 ? "success" : "waiting", results: new JsonArray(new JsonObject { ["run"] = id })));
                }
            }));
        using var client = TestCredentials.FakeTimeClient(clock, stub.BaseUrl, requestsPerMinute: 60);
        var options = ActionRunWaitOptions.Default with { Timeout = TimeSpan.FromHours(1) };

        var waits = Enumerable.Range(0, 200).Select(i => client.GetActionRun($"run-{i}").WaitForCompletionAsync(options)).ToList();
        await FakeTimeDriver.DriveAsync(clock, client, waits);

        Assert.Equal(0, rejected);
        var states = await Task.WhenAll(waits);
        Assert.All(states, s => Assert.True(s.Succeeded, s.ToString()));
        Assert.Equal(200, states.Select(s => s.Id).Distinct().Count());
        Assert.All(polls.Values, count => Assert.Equal(3, count));
    }
}
