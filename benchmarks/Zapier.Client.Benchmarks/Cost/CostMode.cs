using System.Globalization;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Zapier.Client.Benchmarks.Cost;

/// <summary>
/// The <c>cost</c> mode: starts the loopback server in another process, measures construction plus first call in
/// fresh processes, runs the BenchmarkDotNet classes against the server, prints markdown tables and stops the server.
/// </summary>
internal static class CostMode
{
    public static async Task RunAsync(int coldRounds)
    {
        using var server = await CostServer.StartAsync().ConfigureAwait(false);
        // BenchmarkDotNet's benchmark processes inherit this process's environment.
        Environment.SetEnvironmentVariable(CostServer.UrlVariable, server.BaseUrl.ToString());

        var cold = await ColdStart.MeasureAsync(server.BaseUrl, coldRounds).ConfigureAwait(false);
        var summaries = BenchmarkRunner.Run([typeof(CallCostBenchmarks), typeof(FirstCallBenchmarks)]);
        var perCall = Results(summaries, nameof(CallCostBenchmarks));
        var firstCall = Results(summaries, nameof(FirstCallBenchmarks));

        var text = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine("## Cost per call");
        Console.WriteLine();
        Console.WriteLine($"GET /v2/action-runs/{{id}} answered by Kestrel in another process over loopback HTTP/1.1; each client is made once and reused. " +
            $"{RuntimeInformation.FrameworkDescription}, {Environment.ProcessorCount} cores, BenchmarkDotNet (15 iterations) with MemoryDiagnoser; " +
            $"times are medians, which resist interference from other work on the machine better than means.");
        Console.WriteLine();
        Console.WriteLine("| Variant | Allocated per call | Time per call | Time vs raw |");
        Console.WriteLine("|---|---:|---:|---:|");
        var raw = perCall.GetValueOrDefault("raw");
        foreach (var (variant, label) in new[]
        {
            ("raw", "raw: HttpClient + System.Text.Json (source-generated record)"),
            ("plain Kiota", "plain Kiota: generated client, HttpClientRequestAdapter, bare HttpClient"),
            ("ZapierClient", "ZapierClient: default pipeline"),
        })
        {
            var result = perCall.GetValueOrDefault(variant);
            Console.WriteLine($"| {label} | {Bytes(result)} | {Time(result?.MedianNs)} | {Ratio(result?.MedianNs, raw?.MedianNs)} |");
        }

        Console.WriteLine();
        Console.WriteLine("## Construction plus first call");
        Console.WriteLine();
        Console.WriteLine(string.Create(text,
            $"Cold: a new process per sample ({coldRounds} per variant, alternating, after one untimed round) times building the client and one call, " +
            $"from before Kiota or Zapier.Client is loaded (runtime start-up excluded). Warm: BenchmarkDotNet in a warmed-up process, " +
            $"a new client (and connection) per invocation, disposed after the call."));
        Console.WriteLine();
        Console.WriteLine("| Variant | Cold: mean (median) | Cold: of which construction, mean | Warm: allocated | Warm: time (median) |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        var coldKiota = cold["kiota"].Select(s => s.TotalMs).ToList();
        var coldZapier = cold["zapier"].Select(s => s.TotalMs).ToList();
        var buildKiota = cold["kiota"].Average(s => s.ConstructionMs);
        var buildZapier = cold["zapier"].Average(s => s.ConstructionMs);
        var warmKiota = firstCall.GetValueOrDefault("plain Kiota");
        var warmZapier = firstCall.GetValueOrDefault("ZapierClient");
        Console.WriteLine(string.Create(text, $"| plain Kiota | {coldKiota.Average():0.0} ms ({Median(coldKiota):0.0} ms) | {buildKiota:0.0} ms | {Bytes(warmKiota)} | {Time(warmKiota?.MedianNs)} |"));
        Console.WriteLine(string.Create(text, $"| ZapierClient | {coldZapier.Average():0.0} ms ({Median(coldZapier):0.0} ms) | {buildZapier:0.0} ms | {Bytes(warmZapier)} | {Time(warmZapier?.MedianNs)} |"));
        Console.WriteLine(string.Create(text,
            $"| **ZapierClient / plain Kiota** | **{coldZapier.Average() / coldKiota.Average():0.00}× ({Median(coldZapier) / Median(coldKiota):0.00}×)** " +
            $"| {buildZapier / buildKiota:0.00}× | {Ratio(warmZapier?.AllocatedBytes, warmKiota?.AllocatedBytes)}× | {Ratio(warmZapier?.MedianNs, warmKiota?.MedianNs)}× |"));
        Console.WriteLine();
        Console.WriteLine("Allocations are deterministic; times are noisy when other work shares the machine.");
    }

    private sealed record Result(double? MedianNs, long? AllocatedBytes);

    private static Dictionary<string, Result> Results(Summary[] summaries, string type) =>
        summaries.SelectMany(s => s.Reports)
            .Where(r => r.BenchmarkCase.Descriptor.Type.Name == type)
            .ToDictionary(
                r => r.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\''),
                r => new Result(r.ResultStatistics?.Median, r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase)));

    private static double Median(List<double> samples)
    {
        var sorted = samples.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

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
