using BenchmarkDotNet.Attributes;
using Zapier.Client.Generated.Models;

namespace Zapier.Client.Benchmarks.Cost;

/// <summary>
/// Construction plus first call in a warm process: each invocation builds a fresh client (so a new connection),
/// makes one GET /v2/action-runs/{id} and disposes the client. The invocation count is fixed (enough for iterations
/// of about 100 ms) so the number of loopback connections opened stays in the low thousands. The cold-process
/// counterpart is <see cref="ColdStart"/>.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10, invocationCount: 192)]
public class FirstCallBenchmarks
{
    private Uri _url = null!;

    /// <summary>Reads the server's URL.</summary>
    [GlobalSetup]
    public void Setup() => _url = CostServer.UrlFromEnvironment();

    /// <summary>Kiota adapter and generated client over a new HttpClient.</summary>
    [Benchmark(Baseline = true, Description = "plain Kiota")]
    public Task<ActionRunResponse?> PlainKiota() => CostVariants.PlainKiotaFirstCallAsync(_url);

    /// <summary>A new ZapierClient with its default pipeline.</summary>
    [Benchmark(Description = "ZapierClient")]
    public Task<ActionRunResponse?> ZapierClient() => CostVariants.ZapierFirstCallAsync(_url);
}
