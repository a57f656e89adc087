using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using Zapier.Client.Redis;
using Zapier.Client.Redis.Tests;

namespace Zapier.Client.Benchmarks;

/// <summary>
/// BenchmarkDotNet: the cost of one permit (acquire and release) from the fleet budget in Redis, a real
/// <c>redis-server</c> on loopback started for the run (the Redis tests' launcher), against the client's default
/// in-process limiter. Both limits are set so high that no permit waits: what is measured is the acquisition itself
/// (for the fleet budget, one round trip to Redis running the reservation script).
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class RedisBudgetBenchmarks
{
    private RedisServer? _redis;
    private ZapierRedisBudget? _fleet;
    private ZapierClient? _client;
    private RateLimiter? _local;

    [GlobalSetup]
    public void Setup()
    {
        _redis = new RedisServer();
        _fleet = ZapierRedisBudget.Create(new ZapierRedisBudgetOptions
        {
            Configuration = _redis.Configuration,
            Partner = "benchmark",
            RequestsPerMinutePerEgress = int.MaxValue,
            RequestsPerMinutePerPartner = int.MaxValue,
            FleetSize = 1,
        });
        _client = new ZapierClient(new ZapierClientOptions { AccessToken = "token", RequestsPerMinute = int.MaxValue });
        _local = _client.Core.Budget;

        // A first permit from the local fallback would mean every measured one is local too: no figure for Redis.
        using var first = _fleet.AttemptAcquire();
        if (!first.IsAcquired || _fleet.IsOnFallback || _fleet.LocalPermits > 0)
        {
            throw new InvalidOperationException($"The first permit did not come from Redis at {_redis.Configuration}; the benchmark would measure the fallback.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client?.Dispose();
        _fleet?.Dispose();
        _redis?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "default local limiter")]
    public async ValueTask<bool> LocalLimiter()
    {
        using var lease = await _local!.AcquireAsync().ConfigureAwait(false);
        return lease.IsAcquired;
    }

    [Benchmark(Description = "ZapierRedisBudget, Redis on loopback")]
    public async ValueTask<bool> RedisBudget()
    {
        using var lease = await _fleet!.AcquireAsync().ConfigureAwait(false);
        return lease.IsAcquired && !_fleet.IsOnFallback;
    }
}
