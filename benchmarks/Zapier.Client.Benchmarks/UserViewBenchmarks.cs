using BenchmarkDotNet.Attributes;
using Zapier.Client.Authentication;

namespace Zapier.Client.Benchmarks;

/// <summary>
/// BenchmarkDotNet: what one more user costs on a shared client, <c>ForUser</c> for each kind of credential (the
/// issue's goal: under 1 KB, no timer, no connection pool). A view shares the client's HTTP client, scheduler and budget.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class UserViewBenchmarks
{
    private readonly ZapierClient _client = new(new ZapierClientOptions { ClientId = "benchmark" });
    private readonly Func<CancellationToken, ValueTask<string>> _provider = _ => ValueTask.FromResult("token");
    private readonly IZapierUserTokenProvider _tokens = new ZapierUserTokenProvider(
        new ZapierOAuthClient(new HttpClient(), new ZapierOAuthOptions { ClientId = "benchmark" }), new InMemoryZapierTokenStore());

    [Benchmark(Baseline = true)]
    public ZapierClient ForUserWithToken() => _client.ForUser("user-token");

    [Benchmark]
    public ZapierClient ForUserWithProvider() => _client.ForUser("user-1", _provider);

    [Benchmark]
    public ZapierClient ForUserWithTokenStore() => _client.ForUser("user-1", _tokens);

    /// <summary>Prints bytes per view of each kind and checks that views share the client's scheduler and HTTP client.</summary>
    public static void RunQuick(int count)
    {
        var bench = new UserViewBenchmarks();
        foreach (var (name, make) in new (string, Func<ZapierClient>)[]
        {
            ("ForUser(token)", bench.ForUserWithToken), ("ForUser(id, provider)", bench.ForUserWithProvider), ("ForUser(id, token store)", bench.ForUserWithTokenStore),
        })
        {
            make(); // warm
            var keep = new ZapierClient[count];
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < count; i++)
            {
                keep[i] = make();
            }

            var bytes = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)count;
            var shared = keep.All(v => ReferenceEquals(v.Scheduler, bench._client.Scheduler) && ReferenceEquals(v.Core, bench._client.Core));
            Console.WriteLine($"| {name} | {bytes:F0} B | shares scheduler and core: {shared} |");
        }
    }
}
