using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Zapier.Client.Redis.Tests;

/// <summary>What a budget shared through a real Redis does: both limits at once, keys per partner, shared holds, DI.</summary>
public sealed class FleetBudgetTests : IDisposable
{
    private readonly RedisServer _redis = new();

    public void Dispose() => _redis.Dispose();

    [RedisFact]
    public async Task Two_egress_addresses_share_the_partner_limit_while_another_partner_is_not_slowed()
    {
        // Each address could go every 10 ms; the partner only every 50 ms: 40 permits over both take 39 intervals.
        using var first = Budget("partner-a", "egress-1", perEgress: 6000, perPartner: 1200);
        using var second = Budget("partner-a", "egress-2", perEgress: 6000, perPartner: 1200);
        using var other = Budget("partner-b", "egress-1", perEgress: 6000, perPartner: 1200);

        var clock = Stopwatch.StartNew();
        var shared = Enumerable.Range(0, 20).SelectMany(_ => new[] { first.AcquireAsync().AsTask(), second.AcquireAsync().AsTask() }).ToList();
        using var otherLease = await other.AcquireAsync();
        var otherDone = clock.Elapsed;
        var keys = _redis.Cli("--scan", "--pattern", "zapier:budget:*").Split('\n').Order().ToArray(); // they expire a second after their last slot
        var leases = await Task.WhenAll(shared);
        var sharedDone = clock.Elapsed;

        Assert.True(otherLease.IsAcquired);
        Assert.All(leases, l => Assert.True(l.IsAcquired));
        Assert.True(sharedDone >= TimeSpan.FromMilliseconds(39 * 50 - 20), $"40 permits of the partner took only {sharedDone}");
        Assert.True(otherDone < sharedDone / 2, $"the other partner waited {otherDone} (the shared ones {sharedDone})");
        Assert.Equal(
            ["zapier:budget:{partner-a}:egress:egress-1", "zapier:budget:{partner-a}:egress:egress-2", "zapier:budget:{partner-a}:partner",
             "zapier:budget:{partner-b}:egress:egress-1", "zapier:budget:{partner-b}:partner"],
            keys);
    }

    [RedisFact]
    public async Task A_retry_after_seen_by_one_process_holds_the_other_processes_until_then()
    {
        using var server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = false });
        server.Given(Request.Create().UsingGet().WithPath("/v2/action-runs/r1")).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithHeader("Retry-After", "2")
            .WithBody("""{"data":{"type":"run","status":"success","results":[],"errors":[]}}"""));
        using var one = Budget("partner-a", "egress-1", perEgress: 6000, perPartner: 6000);
        using var two = Budget("partner-a", "egress-2", perEgress: 6000, perPartner: 6000);
        using var client = new ZapierClient("token", new ZapierClientOptions { BaseUrl = new Uri(server.Urls[0]) }.UseRedisBudget(one));

        var state = await client.GetActionRun("r1").UpdateStatusAsync();
        var clock = Stopwatch.StartNew();
        var ttl = long.Parse(_redis.Cli("PTTL", "zapier:budget:{partner-a}:hold"), System.Globalization.CultureInfo.InvariantCulture);
        using var lease = await two.AcquireAsync();

        Assert.True(state.Succeeded);
        Assert.InRange(ttl, 1000, 3000); // the hold is kept in Redis with an expiry
        Assert.True(lease.IsAcquired);
        // Held for about 2 s from the answer; an unheld process would go at once. Slack for a slow test machine.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), $"the other process went after {clock.Elapsed}");
    }

    [RedisFact]
    public async Task A_client_registered_with_UseRedisBudget_takes_its_permits_from_redis()
    {
        using var server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = false });
        server.Given(Request.Create().UsingGet().WithPath("/v2/action-runs/r1")).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithBody("""{"data":{"type":"run","status":"success","results":[],"errors":[]}}"""));
        var services = new ServiceCollection();
        services.AddZapierClient(o => { o.BaseUrl = new Uri(server.Urls[0]); o.AccessToken = "token"; })
            .UseRedisBudget(o =>
            {
                o.Configuration = _redis.Configuration;
                o.Partner = "partner-di";
                o.FleetSize = 1;
                o.OperationTimeout = TimeSpan.FromSeconds(10); // a loaded machine must not turn this into a local permit
            });
        await using var provider = services.BuildServiceProvider();

        var state = await provider.GetRequiredService<ZapierClient>().GetActionRun("r1").UpdateStatusAsync();

        var budget = provider.GetRequiredKeyedService<ZapierRedisBudget>(ZapierDiagnostics.Name);
        Assert.True(state.Succeeded);
        Assert.Equal(0, budget.LocalPermits); // first, for a clear message: a permit from Redis, not the fallback
        Assert.Equal(1, budget.GetStatistics()!.TotalSuccessfulLeases);
        Assert.Contains("zapier:budget:{partner-di}:partner", _redis.Cli("--scan", "--pattern", "zapier:budget:*"), StringComparison.Ordinal);
    }

    [RedisFact]
    public async Task Disposing_the_container_asynchronously_closes_the_budgets_redis_connections()
    {
        var services = new ServiceCollection();
        services.AddZapierClient(o => o.AccessToken = "token")
            .UseRedisBudget(o => { o.Configuration = _redis.Configuration; o.Partner = "partner-di"; o.FleetSize = 1; });
        var provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<ZapierClient>(); // creates the budget, which connects
        var open = _redis.ClientConnections();

        await provider.DisposeAsync();

        Assert.True(open > 0, "the budget opened no connection");
        Assert.True(await Eventually(() => _redis.ClientConnections() == 0), $"{_redis.ClientConnections()} connections left after the container was disposed");
    }

    [RedisFact]
    public async Task Await_using_a_created_budget_closes_its_redis_connections_and_a_disposed_budget_refuses_to_acquire()
    {
        var budget = Budget("partner-a", "egress-1", perEgress: 6000, perPartner: 6000);
        await using (budget)
        {
            using var lease = await budget.AcquireAsync();
            Assert.True(lease.IsAcquired);
            Assert.True(_redis.ClientConnections() > 0);
        }

        Assert.True(await Eventually(() => _redis.ClientConnections() == 0), $"{_redis.ClientConnections()} connections left after await using");
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await budget.AcquireAsync());
        Assert.Throws<ObjectDisposedException>(() => budget.AttemptAcquire());
    }

    [RedisFact]
    public async Task Disposing_a_budget_ends_its_queued_waits_with_ObjectDisposedException()
    {
        var budget = Budget("partner-a", "egress-1", perEgress: 60, perPartner: 150);
        using (await budget.AcquireAsync())
        {
        }

        var queued = budget.AcquireAsync().AsTask(); // the next slot is a second away
        await RedisFaultTests.Until(() => budget.GetStatistics()!.CurrentQueuedCount == 1);
        budget.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => queued.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [RedisFact]
    public void AttemptAcquire_grants_a_free_slot_and_refuses_a_taken_one_naming_when_the_next_is_free()
    {
        using var first = Budget("partner-a", "egress-1", perEgress: 60, perPartner: 150);
        using var second = Budget("partner-a", "egress-1", perEgress: 60, perPartner: 150);

        using var granted = first.AttemptAcquire();
        using var refused = second.AttemptAcquire();

        Assert.True(granted.IsAcquired);
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var after));
        // The next slot, 60.25 s / 60 after the first, less the time between the two calls (slack for a loaded machine).
        Assert.InRange(after, second.SlotSpacingPerEgress - TimeSpan.FromSeconds(0.5), second.SlotSpacingPerEgress);
        Assert.Equal(0, first.LocalPermits + second.LocalPermits); // both answered by Redis
    }

    [RedisFact]
    public void UseRedisBudget_twice_on_the_same_options_shares_each_hold_once()
    {
        using var budget = Budget("partner-a", "egress-1", perEgress: 6000, perPartner: 6000);
        var options = new ZapierClientOptions().UseRedisBudget(budget).UseRedisBudget(budget);

        Assert.Same(budget, options.RateLimiter);
        Assert.Single(options.OnServerHold!.GetInvocationList());
    }

    [RedisFact]
    public void Missing_partner_is_refused_naming_the_setting()
    {
        var e = Assert.Throws<ArgumentException>(() => ZapierRedisBudget.Create(new ZapierRedisBudgetOptions { Configuration = _redis.Configuration }));

        Assert.Equal("Partner", e.ParamName);
    }

    [RedisFact]
    public void Missing_fleet_size_with_the_local_budget_fallback_is_refused_naming_FleetSize()
    {
        var e = Assert.Throws<ArgumentException>(() => ZapierRedisBudget.Create(new ZapierRedisBudgetOptions { Configuration = _redis.Configuration, Partner = "p" }));

        Assert.Equal("FleetSize", e.ParamName);
        Assert.Contains("FleetSize is required with OnRedisFailure = LocalBudget", e.Message, StringComparison.Ordinal);
    }

    [RedisFact]
    public void Refuse_mode_needs_no_fleet_size()
    {
        using var budget = ZapierRedisBudget.Create(new ZapierRedisBudgetOptions
        {
            Configuration = _redis.Configuration,
            Partner = "p",
            OnRedisFailure = ZapierRedisFailureMode.Refuse,
        });

        Assert.Equal(60, budget.LocalRequestsPerMinute); // unused in this mode: the smaller limit over 1
    }

    [RedisFact]
    public async Task A_registration_without_fleet_size_fails_at_host_start_naming_FleetSize()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Services.AddZapierClient(o => o.AccessToken = "token")
            .UseRedisBudget(o => { o.Configuration = _redis.Configuration; o.Partner = "partner-di"; });
        using var host = builder.Build();

        var e = await Assert.ThrowsAsync<ArgumentException>(() => host.StartAsync());

        Assert.Equal("FleetSize", e.ParamName);
    }

    /// <summary>Polls a real server's state for at most 10 s: true once <paramref name="condition"/> holds.</summary>
    private static async Task<bool> Eventually(Func<bool> condition)
    {
        var limit = Stopwatch.StartNew();
        while (!condition())
        {
            if (limit.Elapsed > TimeSpan.FromSeconds(10))
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }

    private ZapierRedisBudget Budget(string partner, string egress, int perEgress, int perPartner) => ZapierRedisBudget.Create(new ZapierRedisBudgetOptions
    {
        Configuration = _redis.Configuration,
        Partner = partner,
        EgressAddress = egress,
        RequestsPerMinutePerEgress = perEgress,
        RequestsPerMinutePerPartner = perPartner,
        FleetSize = 2,
    });
}
