using BenchmarkDotNet.Attributes;
using Zapier.Client.Generated.Models;

namespace Zapier.Client.Benchmarks.Cost;

/// <summary>
/// One GET /v2/action-runs/{id} through a client made once and reused (a warm connection), three ways, against the
/// Kestrel server the <c>cost</c> mode started in another process. A short job, but with more iterations than
/// ShortRun's three, so that the median holds up when other work shares the machine.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 4, iterationCount: Iterations)]
public class CallCostBenchmarks
{
    /// <summary>Measured iterations per benchmark.</summary>
    public const int Iterations = 15;

    private HttpClient _raw = null!;
    private CostVariants.PlainKiota _kiota = null!;
    private ZapierClient _zapier = null!;

    /// <summary>Creates the three clients and checks that each reads the run.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var url = CostServer.UrlFromEnvironment();
        _raw = CostVariants.CreateRaw(url);
        _kiota = CostVariants.CreatePlainKiota(url);
        _zapier = CostVariants.CreateZapier(url);

        var raw = Raw().GetAwaiter().GetResult().Data;
        CostVariants.Check("raw", raw.Status == "success", raw.Results.Count);
        var kiota = PlainKiota().GetAwaiter().GetResult()?.Data;
        CostVariants.Check("plain Kiota", kiota?.Status == ActionRunResponseStatusEnum.Success, kiota?.Results?.Count);
        var zapier = ZapierClient().GetAwaiter().GetResult()?.Data;
        CostVariants.Check("ZapierClient", zapier?.Status == ActionRunResponseStatusEnum.Success, zapier?.Results?.Count);
    }

    /// <summary>Disposes the clients.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _zapier.Dispose();
        _kiota.Dispose();
        _raw.Dispose();
    }

    /// <summary>HttpClient plus System.Text.Json source-generated deserialization.</summary>
    [Benchmark(Baseline = true, Description = "raw")]
    public Task<RawRunEnvelope> Raw() => CostVariants.GetRawAsync(_raw);

    /// <summary>The generated Kiota client over a bare HttpClient.</summary>
    [Benchmark(Description = "plain Kiota")]
    public Task<ActionRunResponse?> PlainKiota() => _kiota.Client.V2.ActionRuns[CostVariants.RunId].GetAsync();

    /// <summary>ZapierClient with its default pipeline.</summary>
    [Benchmark(Description = "ZapierClient")]
    public Task<ActionRunResponse?> ZapierClient() => _zapier.V2.ActionRuns[CostVariants.RunId].GetAsync();
}
