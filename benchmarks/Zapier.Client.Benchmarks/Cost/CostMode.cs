using System.Globalization;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Zapier.Client.Benchmarks.Cost;

/// <summary>
/// The <c>cost</c> mode: starts the loopback server in another process; measures construction plus first call in
/// fresh processes, then interleaved time ratios, then the BenchmarkDotNet classes, all against that server; prints
/// markdown tables and stops the server.
/// </summary>
internal static class CostMode
{
    public static async Task RunAsync(int coldRounds)
    {
        using var server = await CostServer.StartAsync().ConfigureAwait(false);
        // BenchmarkDotNet's benchmark processes inherit this process's environment.
        Environment.SetEnvironmentVariable(CostServer.UrlVariable, server.BaseUrl.ToString());

        var cold = await ColdStart.MeasureAsync(server.BaseUrl, coldRounds).ConfigureAwait(false);
        var perCallInterleaved = await PerCallInterleavedAsync(server.BaseUrl).ConfigureAwait(false);
        var firstCallInterleaved = await FirstCallInterleavedAsync(server.BaseUrl).ConfigureAwait(false);
        var summaries = BenchmarkRunner.Run([typeof(CallCostBenchmarks), typeof(FirstCallBenchmarks)]);
        var perCall = Results(summaries, nameof(CallCostBenchmarks));
        var firstCall = Results(summaries, nameof(FirstCallBenchmarks));

        var text = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine("## Cost per call");
        Console.WriteLine();
        Console.WriteLine(string.Create(text, $"GET /v2/action-runs/{{id}} answered by Kestrel in another process over loopback HTTP/1.1; each client is made once and reused. " +
            $"{RuntimeInformation.FrameworkDescription}, {Environment.ProcessorCount} cores, BenchmarkDotNet ({CallCostBenchmarks.Iterations} iterations) with MemoryDiagnoser " +
            $"(managed allocations of the client process); times are medians, which resist interference from other work on the machine better than means."));
        Console.WriteLine();
        Console.WriteLine("| Variant | Allocated per call | Time per call | Time vs raw | Time vs raw, interleaved |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        var raw = perCall.GetValueOrDefault("raw");
        foreach (var (variant, label, interleaved) in new[]
        {
            ("raw", "raw: HttpClient + System.Text.Json (source-generated record)", perCallInterleaved[0]),
            ("plain Kiota", "plain Kiota: generated client, HttpClientRequestAdapter, bare HttpClient", perCallInterleaved[1]),
            ("ZapierClient", "ZapierClient: default pipeline", perCallInterleaved[2]),
        })
        {
            var result = perCall.GetValueOrDefault(variant);
            Console.WriteLine(string.Create(text,
                $"| {label} | {Bytes(result)} | {Time(result?.MedianNs)} | {Ratio(result?.MedianNs, raw?.MedianNs)} | {interleaved:0.00} |"));
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(text,
            $"Interleaved: in the same process, after {PerCallWarmup.TotalSeconds:0} s of warm-up, {PerCallRounds} rounds of {PerCallBatch} calls per variant back to back; " +
            $"the median over rounds of the variant's time over raw's."));

        Console.WriteLine();
        Console.WriteLine("## Construction plus first call");
        Console.WriteLine();
        Console.WriteLine(string.Create(text,
            $"Cold: a new process per sample ({coldRounds} per variant, alternating, after one untimed round) times building the client and one call, " +
            $"from before Kiota or Zapier.Client is loaded (runtime start-up excluded). Warm: BenchmarkDotNet in a warmed-up process, " +
            $"a new client (and connection) per invocation, disposed after the call; interleaved as above, {FirstCallWarmup.TotalSeconds:0} s of warm-up and {FirstCallRounds} rounds of {FirstCallBatch}."));
        Console.WriteLine();
        Console.WriteLine("| Variant | Cold: mean (median) | Cold: of which construction, mean | Warm: allocated | Warm: time (median) | Warm: time vs plain Kiota, interleaved |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        var coldKiota = cold["kiota"].Select(s => s.TotalMs).ToList();
        var coldZapier = cold["zapier"].Select(s => s.TotalMs).ToList();
        var buildKiota = cold["kiota"].Average(s => s.ConstructionMs);
        var buildZapier = cold["zapier"].Average(s => s.ConstructionMs);
        var warmKiota = firstCall.GetValueOrDefault("plain Kiota");
        var warmZapier = firstCall.GetValueOrDefault("ZapierClient");
        Console.WriteLine(string.Create(text, $"| plain Kiota | {coldKiota.Average():0.0} ms ({Interleaved.Median(coldKiota):0.0} ms) | {buildKiota:0.0} ms | {Bytes(warmKiota)} | {Time(warmKiota?.MedianNs)} | 1.00 |"));
        Console.WriteLine(string.Create(text, $"| ZapierClient | {coldZapier.Average():0.0} ms ({Interleaved.Median(coldZapier):0.0} ms) | {buildZapier:0.0} ms | {Bytes(warmZapier)} | {Time(warmZapier?.MedianNs)} | {firstCallInterleaved[1]:0.00} |"));
        Console.WriteLine(string.Create(text,
            $"| **ZapierClient / plain Kiota** | **{coldZapier.Average() / coldKiota.Average():0.00}× ({Interleaved.Median(coldZapier) / Interleaved.Median(coldKiota):0.00}×)** " +
            $"| {buildZapier / buildKiota:0.00}× | {Ratio(warmZapier?.AllocatedBytes, warmKiota?.AllocatedBytes)}× | {Ratio(warmZapier?.MedianNs, warmKiota?.MedianNs)}× | {firstCallInterleaved[1]:0.00}× |"));
        Console.WriteLine();
        Console.WriteLine("Allocations are deterministic; times are noisy when other work shares the machine.");
    }

    private const int PerCallRounds = 200;
    private const int PerCallBatch = 50;
    private const int FirstCallRounds = 100;
    private static readonly TimeSpan PerCallWarmup = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FirstCallWarmup = TimeSpan.FromSeconds(3);
    private const int FirstCallBatch = 10;

    private static async Task<double[]> PerCallInterleavedAsync(Uri url)
    {
        using var raw = CostVariants.CreateRaw(url);
        using var kiota = CostVariants.CreatePlainKiota(url);
        using var zapier = CostVariants.CreateZapier(url);
        return await Interleaved.RatiosAsync(
            [
                () => CostVariants.GetRawAsync(raw),
                () => kiota.Client.V2.ActionRuns[CostVariants.RunId].GetAsync(),
                () => zapier.V2.ActionRuns[CostVariants.RunId].GetAsync(),
            ],
            PerCallRounds, PerCallBatch, PerCallWarmup).ConfigureAwait(false);
    }

    private static Task<double[]> FirstCallInterleavedAsync(Uri url) =>
        Interleaved.RatiosAsync(
            [() => CostVariants.PlainKiotaFirstCallAsync(url), () => CostVariants.ZapierFirstCallAsync(url)],
            FirstCallRounds, FirstCallBatch, FirstCallWarmup);

    private sealed record Result(double? MedianNs, long? AllocatedBytes);

    private static Dictionary<string, Result> Results(Summary[] summaries, string type) =>
        summaries.SelectMany(s => s.Reports)
            .Where(r => r.BenchmarkCase.Descriptor.Type.Name == type)
            .ToDictionary(
                r => r.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\''),
                r => new Result(r.ResultStatistics?.Median, r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase)));

    private static string Bytes(Result? result) =>
        result?.AllocatedBytes is { } bytes ? bytes.ToString("#,0", CultureInfo.InvariantCulture) + " B" : "failed";

    private static string Time(double? ns) => ns switch
    {
        null => "failed",
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{ns / 1_000_000:0.00} ms"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{ns / 1_000:0.0} µs"),
    };

    private static string Ratio(double? value, double? baseline) =>
        value is { } v && baseline is { } b && b > 0 ? (v / b).ToString("0.00", CultureInfo.InvariantCulture) : "n/a";
}
