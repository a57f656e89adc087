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
    public async Task<ActionRunResponse?> PlainKiota()
    {
        using var kiota = CostVariants.CreatePlainKiota(_url);
        return await kiota.Client.V2.ActionRuns[CostVariants.RunId].GetAsync().ConfigureAwait(false);
    }

    /// <summary>A new ZapierClient with its default pipeline.</summary>
    [Benchmark(Description = "ZapierClient")]
    public async Task<ActionRunResponse?> ZapierClient()
    {
        using var client = CostVariants.CreateZapier(_url);
        return await client.V2.ActionRuns[CostVariants.RunId].GetAsync().ConfigureAwait(false);
    }
}
