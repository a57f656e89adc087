using System.Diagnostics;
using Xunit.Abstractions;

namespace Zapier.Client.Redis.Tests;

/// <summary>
/// A server hold announced through Redis outlives Redis: each process keeps the hold it learned, its local fallback
/// keeps to it, and it is written back into a Redis that restarted empty. Against a real redis-server and a stub that
/// refuses (429) every request during its cool-down, so any request sent inside the hold shows as a second 429.
/// </summary>
public sealed class FleetHoldTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan CoolDown = TimeSpan.FromSeconds(6);

    private readonly RedisServer _redis = new();
    private readonly FleetStub _stub = new(6000, TimeSpan.FromSeconds(4), CoolDown);
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        _owned.ForEach(d => d.Dispose());
        _stub.Dispose();
        _redis.Dispose();
    }

    [RedisFact]
    public async Task Redis_killed_during_a_hold_another_process_announced_sends_nothing_before_the_hold_ends()
    {
        var (announcer, other) = (Budget(), Budget());
        var (first, second) = (Client(announcer), Client(other));
        var (learning, heldUntil) = await AnnounceAndLearnAsync(first, second, other);

        _redis.Kill();
        var killedAt = Stopwatch.StartNew();
        var after = Enumerable.Range(0, 3).Select(i => second.GetActionRun($"r-after-{i}").UpdateStatusAsync())
            .Append(first.GetActionRun("r-first").UpdateStatusAsync()).ToList();
        var states = (await Task.WhenAll(after)).Concat(await learning).ToList();

        output.WriteLine($"Redis killed during a {CoolDown.TotalSeconds:F0}-s hold: {_stub.Served + _stub.Refused} requests sent, " +
            $"{_stub.Refused} x 429 (the announcing one), the last request done {killedAt.Elapsed.TotalSeconds:F2} s after the kill, " +
            $"local permits {announcer.LocalPermits} + {other.LocalPermits}; refused: {string.Join(", ", _stub.Refusals)}");
        Assert.All(states, s => Assert.True(s.Succeeded));
        Assert.Equal(1, _stub.Refused); // only the request that announced the hold
        Assert.True(other.LocalPermits >= 3, $"the other process granted {other.LocalPermits} local permits"); // its fallback served them
        Assert.True(DateTimeOffset.UtcNow >= heldUntil);
    }

    [RedisFact]
    public async Task Redis_killed_during_a_hold_and_back_empty_before_it_ends_still_sends_nothing_before_the_hold_ends()
    {
        var (announcer, other) = (Budget(), Budget());
        var (first, second) = (Client(announcer), Client(other));
        var (learning, heldUntil) = await AnnounceAndLearnAsync(first, second, other);

        _redis.Kill();
        var down = second.GetActionRun("r-down").UpdateStatusAsync(); // the fallback: its slot is past reach, it waits
        await RedisFaultTests.Until(() => other.IsOnFallback);
        _redis.Start(); // empty, and the waiting requests ask it for slots before the hold ends
        var restartedAt = Stopwatch.StartNew();
        var states = (await Task.WhenAll(down, second.GetActionRun("r-back").UpdateStatusAsync())).Concat(await learning).ToList();

        output.WriteLine($"Redis killed during a {CoolDown.TotalSeconds:F0}-s hold and back empty {(heldUntil - DateTimeOffset.UtcNow + restartedAt.Elapsed).TotalSeconds:F2} s " +
            $"before it ended: {_stub.Served + _stub.Refused} requests sent, {_stub.Refused} x 429 (the announcing one)");
        Assert.All(states, s => Assert.True(s.Succeeded));
        Assert.Equal(1, _stub.Refused);
        Assert.True(DateTimeOffset.UtcNow >= heldUntil);
    }

    [RedisFact]
    public async Task Redis_restarted_empty_during_a_hold_gets_it_back_so_a_process_that_never_saw_it_waits_too()
    {
        var (announcer, other) = (Budget(), Budget());
        var (first, second) = (Client(announcer), Client(other));
        var (learning, heldUntil) = await AnnounceAndLearnAsync(first, second, other);

        _redis.Kill();
        _redis.Start(); // empty: no persistence
        await RedisFaultTests.Until(() => _redis.Cli("EXISTS", "zapier:budget:{p}:hold") == "1"); // written back on reconnecting
        var latecomer = Budget(); // a process that starts now never heard of the hold
        var restartedAt = Stopwatch.StartNew();
        var states = (await Task.WhenAll(
            Client(latecomer).GetActionRun("r-latecomer").UpdateStatusAsync(),
            second.GetActionRun("r-after").UpdateStatusAsync())).Concat(await learning).ToList();

        output.WriteLine($"Redis restarted empty during a {CoolDown.TotalSeconds:F0}-s hold: {_stub.Served + _stub.Refused} requests sent, " +
            $"{_stub.Refused} x 429 (the announcing one), the hold key back in Redis, the last request done {restartedAt.Elapsed.TotalSeconds:F2} s after the restart");
        Assert.All(states, s => Assert.True(s.Succeeded));
        Assert.Equal(1, _stub.Refused);
        Assert.Equal(0, latecomer.LocalPermits); // it waited on Redis's hold, not on a fallback
        Assert.True(DateTimeOffset.UtcNow >= heldUntil);
    }

    [RedisFact]
    public async Task Two_saturated_processes_send_nothing_inside_a_hold_one_of_them_announces_though_slots_were_reserved_before_it()
    {
        // A slot every 500 ms: a request the other process was granted before the hold reached it (not covered: it
        // is on its way) would need a stall of about that long, so a second 429 means a permit granted inside the hold.
        var (one, two) = (Budget(120), Budget(120));
        var (first, second) = (Client(one), Client(two));
        await Task.WhenAll(first.GetActionRun("warmup").UpdateStatusAsync(), second.GetActionRun("warmup").UpdateStatusAsync());

        // 8 requests each at once: the fleet's queue runs 8 s ahead, each process holding slots up to 2 s ahead.
        var calls = Enumerable.Range(0, 8).SelectMany(i => new[] { first.GetActionRun($"a{i}").UpdateStatusAsync(), second.GetActionRun($"b{i}").UpdateStatusAsync() }).ToList();
        await RedisFaultTests.Until(() => _stub.Served >= 4);
        _stub.Breach(); // the next request, from either process, meets the cool-down and announces it
        var states = await Task.WhenAll(calls);

        output.WriteLine($"two saturated processes, a {CoolDown.TotalSeconds:F0}-s hold announced mid-run: {_stub.Served + _stub.Refused} requests sent, " +
            $"{_stub.Refused} x 429; refused: {string.Join(", ", _stub.Refusals)}");
        Assert.All(states, s => Assert.True(s.Succeeded));
        Assert.Equal(1, _stub.Refused); // only the announcing request
    }

    [RedisFact]
    public async Task A_waiter_sleeping_until_its_reserved_slot_learns_a_hold_over_pub_sub_and_is_granted_only_after_it()
    {
        // A slot a second (60 a minute): the waiter's slot, reserved before the hold, is about a second ahead; it asks
        // Redis nothing until then, so only the announcement can tell it of the hold.
        var (announcer, waiter) = (Budget(60), Budget(60));
        DateTimeOffset? grantedAt = null;
        using (await waiter.AcquireAsync())
        {
        }

        waiter.OnGranted = at => grantedAt = at;
        var queueEnd = _redis.Cli("GET", "zapier:budget:{p}:partner");
        var waiting = waiter.AcquireAsync().AsTask();
        await RedisFaultTests.Until(() => _redis.Cli("GET", "zapier:budget:{p}:partner") != queueEnd); // its slot is reserved
        var heldUntil = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(3);
        announcer.Hold(heldUntil);
        using var lease = await waiting;

        output.WriteLine($"hold announced for 3 s; the waiter was granted {(grantedAt - heldUntil)?.TotalMilliseconds:F0} ms after it ended");
        Assert.True(lease.IsAcquired);
        Assert.NotNull(grantedAt);
        Assert.True(grantedAt >= heldUntil, $"granted at {grantedAt:O}, inside the hold until {heldUntil:O}");
    }

    /// <summary>
    /// The stub starts a cool-down; one client's request meets it (429, Retry-After) and announces the hold; the other
    /// process asks Redis for a slot and learns the hold. Returns the learning call (pending until the hold ends) and
    /// the hold's end as the other process knows it.
    /// </summary>
    private async Task<(Task<ActionRuns.ActionRunState[]> Learning, DateTimeOffset HeldUntil)> AnnounceAndLearnAsync(
        ZapierClient announcing, ZapierClient learning, ZapierRedisBudget learner)
    {
        // Warm up (connections open, code compiled) on a path the stub does not count.
        await Task.WhenAll(announcing.GetActionRun("warmup").UpdateStatusAsync(), learning.GetActionRun("warmup").UpdateStatusAsync());
        _stub.Breach();
        var announced = announcing.GetActionRun("r-announce").UpdateStatusAsync(); // 429, then retried once the hold ends
        await RedisFaultTests.Until(() => _stub.Refused == 1);
        await RedisFaultTests.Until(() => _redis.Cli("EXISTS", "zapier:budget:{p}:hold") == "1");
        var pending = learning.GetActionRun("r-learn").UpdateStatusAsync();
        await RedisFaultTests.Until(() => learner.HeldUntil is not null);
        var heldUntil = learner.HeldUntil!.Value;
        Assert.InRange(heldUntil - DateTimeOffset.UtcNow, CoolDown - TimeSpan.FromSeconds(2), CoolDown + TimeSpan.FromSeconds(1));
        return (Task.WhenAll(announced, pending), heldUntil);
    }

    private ZapierRedisBudget Budget(int perMinute = 600)
    {
        var budget = ZapierRedisBudget.Create(new ZapierRedisBudgetOptions
        {
            Configuration = _redis.Configuration,
            Partner = "p",
            RequestsPerMinutePerEgress = perMinute,
            RequestsPerMinutePerPartner = perMinute,
            FleetSize = 3,
            RedisRetryInterval = TimeSpan.FromMilliseconds(100),
        });
        _owned.Add(budget);
        return budget;
    }

    private ZapierClient Client(ZapierRedisBudget budget)
    {
        var client = new ZapierClient("token", new ZapierClientOptions { BaseUrl = _stub.BaseUrl }.UseRedisBudget(budget));
        _owned.Insert(0, client); // disposed before the budgets
        return client;
    }
}
