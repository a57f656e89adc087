using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using Zapier.Client.Errors;
using Zapier.Client.Generated.Models;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests.Faults;

/// <summary>
/// Runs every scenario of the fault catalog against WireMock.Net over real HTTP, with the client's default retry and
/// timeout settings on a fake clock: each ends in its documented outcome, within the call's deadline, repeats no
/// POST that may have been processed, and leaves the access token out of every log line and exception text.
/// </summary>
public sealed class FaultCatalogTests
{
    internal static readonly DateTimeOffset Start = new(2026, 4, 1, 8, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, ClientWay> Scenarios()
    {
        var data = new TheoryData<string, ClientWay>();
        foreach (var way in Enum.GetValues<ClientWay>())
        {
            foreach (var scenario in FaultCatalog.All)
            {
                data.Add(scenario.Name, way);
            }
        }

        return data;
    }

    [Fact]
    public void The_catalog_has_at_least_forty_scenarios_and_the_docs_table_lists_each_with_its_request_count()
    {
        Assert.True(FaultCatalog.All.Length >= 40, $"{FaultCatalog.All.Length} scenarios");
        Assert.Equal(FaultCatalog.All.Length, FaultCatalog.All.Select(s => s.Name).Distinct().Count());
        var rows = File.ReadAllLines(Path.Combine(RepoPaths.Root, "README.md"))
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
            .ToDictionary(cells => cells[1].Trim('`'), cells => cells[^2]);
        Assert.All(FaultCatalog.All, s =>
        {
            Assert.True(rows.TryGetValue(s.Name, out var requests), $"README.md has no row for {s.Name}");
            Assert.Equal(s.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture), requests);
        });
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Each_fault_ends_in_its_documented_outcome(string name, ClientWay way)
    {
        var scenario = FaultCatalog.All.Single(s => s.Name == name);
        var clock = new FakeTimeProvider(Start);
        var logs = new CapturingLoggerProvider();
        using var server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = false });
        using var elsewhere = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = false });
        using var arrived = new SemaphoreSlim(0);
        using var release = new ManualResetEventSlim();
        var attempts = 0;
        var posts = 0;
        server.Given(Request.Create().WithPath(new RegexMatcher("^/v2/"))).RespondWith(Response.Create().WithCallback(request =>
        {
            var attempt = Interlocked.Increment(ref attempts) - 1;
            if (request.Method == "POST")
            {
                Interlocked.Increment(ref posts);
            }

            var answer = scenario.Call == FaultCall.ZapRunPages
                ? FaultAnswer.Ok($$"""{"links":{"next":"{{elsewhere.Urls[0]}}/v2/zap-runs?offset=10","prev":null},"meta":{"count":20,"limit":10,"offset":0},"data":[]}""")
                : scenario.RedirectElsewhere ? new FaultAnswer(302, null, null, [("Location", elsewhere.Urls[0] + "/v2/action-runs/run-1")]) : scenario.Answer(attempt);
            if (answer.Block)
            {
                arrived.Release();
                release.Wait(TimeSpan.FromSeconds(20));
            }

            return answer.ToResponse();
        }));
        elsewhere.Given(Request.Create()).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(FaultAnswer.RunJson));

        using var raw = scenario.RawServer ? new RawHttpServer(scenario.Answer) : null;
        var options = new ZapierClientOptions
        {
            BaseUrl = scenario.ClosedPort ? new Uri($"http://127.0.0.1:{ClosedPort()}") : raw?.BaseUrl ?? new Uri(server.Urls[0]),
            AccessToken = TestCredentials.AccessToken,
            TimeProvider = clock,
            LoggerFactory = logs,
        };
        using var made = ClientUnderTest.Create(way, options);
        var client = made.Client;
        var call = Invoke(client, scenario);
        try
        {
            await Drive(clock, client, call, arrived, options.Retry.AttemptTimeout, Start + options.RequestTimeout);
        }
        finally
        {
            release.Set();
        }

        var (result, error) = await Outcome(call);
        var elapsed = clock.GetUtcNow() - Start;
        attempts += raw?.Requests ?? 0;
        var run = new FaultRun(attempts, elsewhere.LogEntries.Count(),
            elsewhere.LogEntries.Any(e => e.RequestMessage.Headers?.ContainsKey("Authorization") == true), elapsed, [.. logs.Lines]);

        if (scenario.Outcome is null)
        {
            Assert.True(error is null, $"expected success, got {error}");
            Assert.True(scenario.Returns is not null, "a success scenario must state the value it returns");
            scenario.Returns(result);
        }
        else
        {
            Assert.True(error is not null, $"expected {scenario.Outcome.Name}, got success");
            Assert.True(scenario.Outcome == error.GetType(), $"expected {scenario.Outcome.Name}, got {error}");
            Assert.IsAssignableFrom(error is ArgumentException ? typeof(ArgumentException) : typeof(ZapierException), error);
        }

        Assert.Equal(scenario.Attempts, attempts);

        if (scenario.Call == FaultCall.CreateRun)
        {
            posts += raw?.Requests ?? 0; // the raw peer only serves the scenario's call
            var expectedPosts = ExpectedPosts(scenario, options.Retry);
            Assert.True(expectedPosts == posts, $"a create was sent {posts} times, expected {expectedPosts}");
        }

        if (scenario.Status is { } status)
        {
            Assert.Equal(status, Assert.IsType<ZapierApiException>(error).StatusCode);
        }

        if (scenario.PerAttempt is { } perAttempt)
        {
            Assert.Equal(perAttempt, Assert.IsType<ZapierTimeoutException>(error).PerAttempt);
        }

        Assert.True(elapsed <= options.RequestTimeout + TimeSpan.FromMilliseconds(1), $"the call ran {elapsed} on the client's clock, past its {options.RequestTimeout} deadline");
        var texts = run.Logs.Append(error?.ToString() ?? string.Empty).Append(error?.Message ?? string.Empty);
        Assert.DoesNotContain(texts, t => t.Contains(TestCredentials.AccessToken, StringComparison.Ordinal));
        scenario.Check?.Invoke(result, error, run);
    }

    /// <summary>
    /// How many times a create may reach the server, worked out from the stub's answers rather than the scenario's
    /// count: once, and once more after each 429 the client may retry (Zapier refuses a 429 before processing it), up
    /// to <see cref="ZapierRetryOptions.MaxRetries"/> retries; never after any other answer; not at all when nothing
    /// listens.
    /// </summary>
    private static int ExpectedPosts(FaultScenario scenario, ZapierRetryOptions retry) => scenario.ClosedPort
        ? 0
        : 1 + Enumerable.Range(0, retry.MaxRetries).TakeWhile(i => RetryableRefusal(scenario.Answer(i), retry)).Count();

    private static bool RetryableRefusal(FaultAnswer answer, ZapierRetryOptions retry) =>
        answer.Status == 429 && !(answer.Headers ?? []).Any(h =>
            h.Name == "Retry-After" && int.TryParse(h.Value, out var seconds) && TimeSpan.FromSeconds(seconds) > retry.MaxRetryAfter);

    private static Task<object?> Invoke(ZapierClient client, FaultScenario scenario) => scenario.Call switch
    {
        FaultCall.GetRun => Box(client.V2.ActionRuns[scenario.PathValue ?? "run-1"].GetAsync()),
        FaultCall.CreateRun => Box(client.V2.ActionRuns.PostAsync(new RunActionRequest
        {
            Data = new RunActionRequestData { Action = "core:1", Inputs = new ActionRunInputs() },
        })),
        _ => Pages(client),
    };

    private static async Task<object?> Pages(ZapierClient client)
    {
        var runs = 0;
        await foreach (var _ in client.V2.ZapRuns.ListAsync())
        {
            runs++;
        }

        return runs;
    }

    private static async Task<object?> Box<T>(Task<T> task) => await task;

    private static async Task<(object? Result, Exception? Error)> Outcome(Task<object?> call)
    {
        try
        {
            return (await call, null);
        }
        catch (Exception e)
        {
            return (null, e);
        }
    }

    /// <summary>
    /// Moves the fake clock whenever the call is waiting on it: to the scheduler's next wake-up (budget and retry
    /// backoffs), or past the attempt timeout when the stub is holding a request. Bounded in steps.
    /// </summary>
    private static async Task Drive(FakeTimeProvider clock, ZapierClient client, Task call, SemaphoreSlim arrived, TimeSpan attemptTimeout, DateTimeOffset deadline)
    {
        // Never past the deadline (plus a tick for its timer): a call that has not ended by then would hang here.
        void MoveTo(DateTimeOffset at) => clock.SetUtcNow(at > deadline ? deadline.AddMilliseconds(1) : at < clock.GetUtcNow() ? clock.GetUtcNow() : at);

        for (var step = 0; step < 500 && !call.IsCompleted; step++)
        {
            if (arrived.Wait(0))
            {
                MoveTo(clock.GetUtcNow() + attemptTimeout + TimeSpan.FromMilliseconds(1)); // the stub is holding a request
                continue;
            }

            if (client.Scheduler.Queued > 0 && client.Scheduler.NextWake is { } wake)
            {
                MoveTo(wake);
                continue;
            }

            var arrival = arrived.WaitAsync(TimeSpan.FromMilliseconds(250));
            await Task.WhenAny(call, client.Scheduler.WhenChangedAsync(), arrival);
            if (await arrival)
            {
                MoveTo(clock.GetUtcNow() + attemptTimeout + TimeSpan.FromMilliseconds(1));
            }
        }

        Assert.True(call.IsCompleted, "the call did not end by its deadline on the fake clock");
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
