using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using Zapier.Client.ActionRuns;
using Zapier.Client.Tests.ActionRuns;
using Zapier.Client.Tests.Faults;
using Zapier.Client.Tests.Lists;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests.Users;

/// <summary>
/// Many users through one client (<see cref="ZapierClient.ForUser(string)"/>): one budget for all, each request with
/// its user's token, and a fair share of the budget for a user with one run next to a user with hundreds.
/// </summary>
public sealed class ManyUsersTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly ActionRunWaitOptions Waiting = ActionRunWaitOptions.Default with { Timeout = TimeSpan.FromHours(2), Jitter = 0 };

    [Fact]
    public async Task Fifty_users_with_four_runs_each_through_one_client_meet_no_429_and_every_request_carries_its_users_token()
    {
        using var server = new ActionRunServer(new FakeTimeProvider(Start), successOnPoll: 2);
        using var client = server.Client(requestsPerMinute: 60);
        var users = Enumerable.Range(0, 50).Select(u => (Id: $"user-{u}", Token: $"token-{u}")).ToList();

        var runs = users.SelectMany(user =>
        {
            // Both kinds of view: a fixed token, and a provider asked per request.
            var view = int.Parse(user.Id[5..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 0
                ? client.ForUser(user.Token)
                : client.ForUser(user.Id, _ => ValueTask.FromResult(user.Token));
            return Enumerable.Range(0, 4).Select(_ => view.RunActionAsync(ActionRunWaitUntil.Completed, new ActionRunRequest("core:" + user.Token), Waiting));
        }).ToList();
        await FakeTimeDriver.DriveAsync(server.Clock, client, runs);

        Assert.Equal(0, server.Rejected);
        var done = await Task.WhenAll(runs);
        Assert.All(done, run => Assert.True(run.LastState?.Succeeded, run.Id));
        Assert.Equal(200, done.Select(r => r.Id).Distinct().Count());
        Assert.Equal(200, server.Log.Count(r => r.Method == "POST"));
        Assert.Equal(400, server.Log.Count(r => r.Method == "GET"));
        Assert.All(server.Log, r => Assert.Equal("Bearer " + r.Owner, r.Authorization));
    }

    [Fact]
    public async Task One_users_single_run_completes_within_four_budget_slots_and_its_first_poll_delay_while_another_user_has_two_hundred_runs_queued()
    {
        using var server = new ActionRunServer(new FakeTimeProvider(Start), successOnPoll: 1);
        using var client = server.Client(requestsPerMinute: 60);
        var slot = TimeSpan.FromMinutes(1) / 60;
        var busy = client.ForUser("token-busy");
        var single = client.ForUser("token-single");

        var crowd = Enumerable.Range(0, 200).Select(_ => busy.RunActionAsync(ActionRunWaitUntil.Completed, new ActionRunRequest("core:token-busy"), Waiting)).ToList();
        var started = server.Clock.GetUtcNow();
        DateTimeOffset? finished = null;
        var mine = single.RunActionAsync(ActionRunWaitUntil.Completed, new ActionRunRequest("core:token-single"), Waiting)
            .ContinueWith(t => { finished = server.Clock.GetUtcNow(); return t.Result; }, TaskScheduler.Default);
        await FakeTimeDriver.DriveAsync(server.Clock, client, [.. crowd, mine]);

        // Round-robin between the two users: the POST waits for at most one of the busy user's slots and its own, and
        // so does the poll after its first delay. In arrival order it would wait behind 200 POSTs (200 s).
        var bound = 4 * slot + Waiting.InitialDelay;
        output.WriteLine($"single run: {finished - started} (bound {bound}); busy user's last run: {server.Clock.GetUtcNow() - started}");
        Assert.True((await mine).LastState?.Succeeded);
        Assert.True(finished - started <= bound, $"the single run took {finished - started}, more than {bound}");
        Assert.Equal(0, server.Rejected);
        Assert.All(await Task.WhenAll(crowd), run => Assert.True(run.LastState?.Succeeded, run.Id));
        Assert.All(server.Log, r => Assert.Equal("Bearer " + r.Owner, r.Authorization));
    }

    [Fact]
    public async Task A_run_fetched_by_id_through_a_view_polls_with_that_users_token_not_the_clients()
    {
        using var server = new ActionRunServer(new FakeTimeProvider(Start), successOnPoll: 1, clientToken: TestCredentials.AccessToken);
        using var client = server.Client(requestsPerMinute: 60);
        server.Own("run-kept", "token-kept");

        var state = await FakeTimeDriver.DriveAsync(server.Clock, client, client.ForUser("token-kept").GetActionRun("run-kept").WaitForCompletionAsync(Waiting));

        Assert.True(state.Succeeded);
        var poll = Assert.Single(server.Log);
        Assert.Equal(("GET", "Bearer token-kept"), (poll.Method, poll.Authorization));
    }

    [Fact]
    public async Task A_views_retried_requests_and_followed_pages_carry_the_users_token_not_the_clients()
    {
        var first = 0;
        using var stub = new PagedStub(r =>
            Interlocked.Increment(ref first) == 1 ? FaultAnswer.Error(503)
            : r.Query?.ContainsKey("offset") == true ? ZapRunsPage(null, "r3")
            : ZapRunsPage($"{new Uri(r.AbsoluteUrl).GetLeftPart(UriPartial.Authority)}/v2/zap-runs?offset=2", "r1", "r2"));
        var view = stub.Client.ForUser("token-of-the-user");

        var runs = await stub.ReadAsync(view.V2.ZapRuns.ListAsync());

        Assert.Equal(["r1", "r2", "r3"], runs.Select(r => r.ZapTitle));
        Assert.Equal(3, stub.Requests.Count); // the 503, its retry, the second page
        Assert.All(stub.Requests, r => Assert.Equal("Bearer token-of-the-user", r.Headers!["Authorization"].Single()));
    }

    [Fact]
    public async Task A_view_of_a_client_without_a_token_sends_its_users_token_and_disposing_it_leaves_the_client_working()
    {
        using var server = new ActionRunServer(new FakeTimeProvider(Start), successOnPoll: 1);
        using var client = server.Client(requestsPerMinute: 60);
        server.Own("run-1", "token-a");
        server.Own("run-2", "token-b");

        using (var first = client.ForUser("token-a"))
        {
            Assert.True((await FakeTimeDriver.DriveAsync(server.Clock, client, first.GetActionRun("run-1").UpdateStatusAsync())).Succeeded);
        }

        var state = await FakeTimeDriver.DriveAsync(server.Clock, client, client.ForUser("token-b").GetActionRun("run-2").UpdateStatusAsync());

        Assert.True(state.Succeeded);
        Assert.Equal(["Bearer token-a", "Bearer token-b"], server.Log.Select(r => r.Authorization));
        Assert.Same(client.Scheduler, client.ForUser("token-c").Scheduler);
    }

    [Fact]
    public async Task Creating_a_user_view_of_a_disposed_client_still_fails_its_calls_as_the_client_would()
    {
        using var server = new ActionRunServer(new FakeTimeProvider(Start), successOnPoll: 1);
        var client = server.Client(requestsPerMinute: 60);
        var view = client.ForUser("token-a");
        client.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => view.GetActionRun("run-1").UpdateStatusAsync());
    }

    [Theory]
    [InlineData(ClientWay.Constructed)]
    [InlineData(ClientWay.Hosted)]
    [InlineData(ClientWay.CallerTransport)]
    public async Task Views_of_a_client_made_any_way_send_their_users_tokens_and_never_log_them(ClientWay way)
    {
        using var api = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = false });
        api.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithCallback(r =>
            (r.Path.EndsWith("/run-ok", StringComparison.Ordinal) ? FaultAnswer.Json(200, FaultAnswer.RunJson) : FaultAnswer.Error(403)).ToResponse()));
        var logs = new CapturingLoggerProvider();
        using var made = ClientUnderTest.Create(way, new ZapierClientOptions
        {
            BaseUrl = new Uri(api.Urls[0]),
            AccessToken = TestCredentials.AccessToken,
            LoggerFactory = logs,
            Retry = ZapierRetryOptions.Default with { MaxRetries = 0 },
        });

        var ok = await made.Client.ForUser("secret-token-a").GetActionRun("run-ok").UpdateStatusAsync();
        await Assert.ThrowsAsync<Errors.ZapierApiException>(() => made.Client.ForUser("u-b", _ => ValueTask.FromResult("secret-token-b")).GetActionRun("run-no").UpdateStatusAsync());

        Assert.True(ok.Succeeded);
        Assert.Equal(["Bearer secret-token-a", "Bearer secret-token-b"],
            api.LogEntries.OrderBy(e => e.RequestMessage.DateTime).Select(e => e.RequestMessage.Headers!["Authorization"].Single()));
        Assert.NotEmpty(logs.Lines); // the 403 was logged ...
        Assert.DoesNotContain(logs.Lines, line => line.Contains("secret-token", StringComparison.Ordinal)); // ... without the token
    }

    [Fact]
    public void A_view_refuses_an_empty_token_or_user_id()
    {
        using var client = new ZapierClient(new ZapierClientOptions());

        Assert.Throws<ArgumentException>(() => client.ForUser(" "));
        Assert.Throws<ArgumentException>(() => client.ForUser("", _ => ValueTask.FromResult("t")));
        Assert.Throws<ArgumentNullException>(() => client.ForUser("u", (Func<CancellationToken, ValueTask<string>>)null!));
    }

    private static FaultAnswer ZapRunsPage(string? next, params string[] titles) =>
        FaultAnswer.Json(200, new JsonObject
        {
            ["links"] = new JsonObject { ["next"] = next, ["prev"] = null },
            ["data"] = new JsonArray([.. titles.Select(t => (JsonNode)new JsonObject { ["zap_title"] = t })]),
        }.ToJsonString());

    /// <summary>
    /// POST /v2/action-runs and GET /v2/action-runs/{id} on loopback under the Partner API's rule of at most 60 requests
    /// in any 60 seconds (else 429). Each run is owned by the token that created it (its action names that token), and
    /// every request is logged with its Authorization header and the owner it should carry.
    /// </summary>
    private sealed class ActionRunServer : IDisposable
    {
        private readonly Queue<DateTimeOffset> _recent = new();
        private readonly ConcurrentDictionary<string, string> _owners = new();
        private readonly ConcurrentDictionary<string, int> _polls = new();
        private readonly string? _clientToken;
        private int _rejected;
        private int _created;

        public ActionRunServer(FakeTimeProvider clock, int successOnPoll, string? clientToken = null)
        {
            Clock = clock;
            _clientToken = clientToken;
            Server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = false });
            Server.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithCallback(r => Answer(r, successOnPoll).ToResponse()));
        }

        public FakeTimeProvider Clock { get; }

        public WireMockServer Server { get; }

        public int Rejected => _rejected;

        public ConcurrentQueue<(string Method, string Path, string? Authorization, string Owner)> Log { get; } = new();

        /// <summary>A client on the fake clock with no token of its own (unless the server was given one): views bring theirs.</summary>
        public ZapierClient Client(int requestsPerMinute) => new(new ZapierClientOptions
        {
            BaseUrl = new Uri(Server.Urls[0]),
            AccessToken = _clientToken,
            TimeProvider = Clock,
            RequestsPerMinute = requestsPerMinute,
            RequestTimeout = TimeSpan.FromHours(1), // a call's deadline counts its budget wait: 200 queued POSTs take minutes
        });

        public void Own(string runId, string token) => _owners[runId] = token;

        private FaultAnswer Answer(IRequestMessage request, int successOnPoll)
        {
            var authorization = request.Headers?.TryGetValue("Authorization", out var values) == true ? values.Single() : null;
            lock (_recent)
            {
                var now = Clock.GetUtcNow();
                while (_recent.Count > 0 && _recent.Peek() <= now - TimeSpan.FromMinutes(1))
                {
                    _recent.Dequeue();
                }

                if (_recent.Count >= 60)
                {
                    Interlocked.Increment(ref _rejected);
                    return FaultAnswer.Error(429, ("Retry-After", "60"));
                }

                _recent.Enqueue(now);
            }

            if (request.Method == "POST")
            {
                var owner = ((string)JsonNode.Parse(request.Body!)!["data"]!["action"]!)["core:".Length..];
                var id = "run-" + Interlocked.Increment(ref _created);
                _owners[id] = owner;
                Log.Enqueue(("POST", request.Path, authorization, owner));
                return FaultAnswer.Json(200, new JsonObject { ["data"] = new JsonObject { ["type"] = "run", ["id"] = id } }.ToJsonString());
            }

            var runId = request.Path.Split('/')[^1];
            Log.Enqueue(("GET", request.Path, authorization, _owners.GetValueOrDefault(runId, "(unknown run)")));
            var poll = _polls.AddOrUpdate(runId, 1, (_, n) => n + 1);
            return FaultAnswer.Json(200, poll >= successOnPoll ? FaultAnswer.RunJson : """{"data":{"type":"run","status":"running","results":[],"errors":[]}}""");
        }

        public void Dispose() => Server.Stop();
    }
}
