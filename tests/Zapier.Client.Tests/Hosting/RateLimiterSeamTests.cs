using System.Threading.RateLimiting;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Zapier.Client.ActionRuns;
using Zapier.Client.Errors;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests.Hosting;

/// <summary>A <see cref="RateLimiter"/> supplied through the options governs every request and poll of the client.</summary>
public sealed class RateLimiterSeamTests(StubServerFixture stub) : IClassFixture<StubServerFixture>
{
    [Fact]
    public async Task A_supplied_limiter_is_asked_once_for_every_request_and_poll_that_reaches_the_server()
    {
        var polls = 0;
        stub.Server.Reset();
        stub.Server.Given(Request.Create().UsingPost().WithPath("/v2/action-runs")).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithBody("""{"data":{"type":"run","id":"run-9"}}"""));
        stub.Server.Given(Request.Create().UsingGet().WithPath("/v2/action-runs/run-9")).RespondWith(Response.Create().WithCallback(_ =>
            Faults.FaultAnswer.Message(200, Interlocked.Increment(ref polls) < 3
                ? """{"data":{"type":"run","status":"waiting","errors":[]}}"""
                : """{"data":{"type":"run","status":"success","errors":[],"results":[{"ok":true}]}}""")));
        using var limiter = new CountingLimiter(new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = 100, TokensPerPeriod = 100, ReplenishmentPeriod = TimeSpan.FromSeconds(1), QueueLimit = 100,
        }));
        using var client = new ZapierClient(new ZapierClientOptions
        {
            BaseUrl = stub.BaseUrl,
            AccessToken = TestCredentials.AccessToken,
            RateLimiter = limiter,
            ActionRunWaiting = ActionRunWaitOptions.Default with { InitialDelay = TimeSpan.Zero, MinimumInterval = TimeSpan.Zero, Multiplier = 1, MaxDelay = TimeSpan.FromMilliseconds(10) },
        });

        var run = await client.StartActionRunAsync(new ActionRunRequest("core:1"));
        var state = await run.WaitForCompletionAsync();

        Assert.True(state.Succeeded);
        Assert.Equal(true, state.Results[0].AdditionalData["ok"]);
        Assert.Equal(4, stub.Server.LogEntries.Count()); // the create and three polls
        Assert.Equal(4, limiter.Acquired);
    }

    [Fact]
    public async Task A_limiter_that_refuses_fails_the_call_with_a_budget_error_and_sends_nothing()
    {
        stub.Server.Reset();
        stub.Server.Given(Request.Create()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithBody("""{"data":{"type":"run","status":"success","errors":[]}}"""));
        using var limiter = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
        {
            PermitLimit = 1, Window = TimeSpan.FromHours(1), QueueLimit = 0,
        });
        using var client = new ZapierClient(new ZapierClientOptions { BaseUrl = stub.BaseUrl, AccessToken = TestCredentials.AccessToken, RateLimiter = limiter });

        var first = await client.V2.ActionRuns["a"].GetAsync();
        var error = await Assert.ThrowsAsync<ZapierBudgetException>(() => client.V2.ActionRuns["b"].GetAsync());

        Assert.NotNull(first?.Data);
        Assert.Single(stub.Server.LogEntries);
        Assert.Equal("GET", error.Method);
        Assert.True(error.RetryAfter > TimeSpan.FromMinutes(59), $"RetryAfter {error.RetryAfter}");
        Assert.Contains("request budget had no permit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_limiter_that_refuses_holds_back_polls_too_and_the_wait_times_out_without_one()
    {
        stub.Server.Reset();
        stub.Server.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithBody("""{"data":{"type":"run","id":"run-5"}}"""));
        stub.Server.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithBody("""{"data":{"type":"run","status":"waiting","errors":[]}}"""));
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.Zero));
        using var limiter = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions { PermitLimit = 1, Window = TimeSpan.FromHours(1), QueueLimit = 0 });
        using var client = new ZapierClient(new ZapierClientOptions
        {
            BaseUrl = stub.BaseUrl, AccessToken = TestCredentials.AccessToken, RateLimiter = limiter, TimeProvider = clock,
        });
        var run = await client.StartActionRunAsync(new ActionRunRequest("core:1")); // takes the window's one permit

        var wait = run.WaitForCompletionAsync(ActionRunWaitOptions.Default with { Timeout = TimeSpan.FromSeconds(20) });
        var error = await Assert.ThrowsAsync<ActionRunTimeoutException>(() => FakeTimeDriver.DriveAsync(clock, client, wait));

        Assert.Equal(0, error.Polls);
        Assert.Single(stub.Server.LogEntries); // the create; no poll went past the refusing limiter
    }

    [Fact]
    public async Task A_server_hold_longer_than_a_call_may_wait_fails_the_next_call_at_once_with_the_wait_named()
    {
        stub.Server.Reset();
        stub.Server.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "3600")
            .WithHeader("Content-Type", "application/json").WithBody("""{"errors":[{"status":429,"code":"throttled","title":"Too many"}]}"""));
        using var client = new ZapierClient(new ZapierClientOptions { BaseUrl = stub.BaseUrl, AccessToken = TestCredentials.AccessToken });

        var first = await Assert.ThrowsAsync<ZapierApiException>(() => client.V2.ActionRuns["a"].GetAsync());
        var second = await Assert.ThrowsAsync<ZapierBudgetException>(() => client.V2.ActionRuns["b"].GetAsync());

        Assert.Equal(TimeSpan.FromHours(1), first.RetryAfter);
        Assert.InRange(second.RetryAfter!.Value, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        Assert.Contains("Zapier asked this client to send nothing more for now", second.Message, StringComparison.Ordinal);
        Assert.Single(stub.Server.LogEntries);
    }

    /// <summary>Passes every acquisition to a real limiter and counts the permits granted.</summary>
    private sealed class CountingLimiter(RateLimiter inner) : RateLimiter
    {
        private int _acquired;

        public int Acquired => _acquired;

        public override TimeSpan? IdleDuration => inner.IdleDuration;

        public override RateLimiterStatistics? GetStatistics() => inner.GetStatistics();

        protected override RateLimitLease AttemptAcquireCore(int permitCount) => Count(inner.AttemptAcquire(permitCount));

        protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
            Count(await inner.AcquireAsync(permitCount, cancellationToken));

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private RateLimitLease Count(RateLimitLease lease)
        {
            if (lease.IsAcquired)
            {
                Interlocked.Increment(ref _acquired);
            }

            return lease;
        }
    }
}
