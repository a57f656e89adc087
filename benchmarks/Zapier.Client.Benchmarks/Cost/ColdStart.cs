using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Zapier.Client.Generated.Models;

namespace Zapier.Client.Benchmarks.Cost;

/// <summary>
/// Construction plus first call in a fresh process, where loading and JIT-compiling the client dominate: each sample
/// is a new process that times, from before Kiota or Zapier.Client is loaded, building a client and making one
/// GET /v2/action-runs/{id}. The .NET runtime's own start-up is the same for both and outside the clock.
/// </summary>
internal static class ColdStart
{
    /// <summary>The hidden mode a sample process runs: <c>cost-cold kiota|zapier URL</c>.</summary>
    public const string ChildMode = "cost-cold";

    private const string Prefix = "elapsed-ms=";

    /// <summary>One sample: construction plus first call, and the construction part of it, in milliseconds.</summary>
    public readonly record struct Sample(double TotalMs, double ConstructionMs);

    public static readonly string[] Variants = ["kiota", "zapier"];

    /// <summary>Runs <paramref name="rounds"/> samples of each variant, alternating which goes first, after one untimed round.</summary>
    public static async Task<Dictionary<string, List<Sample>>> MeasureAsync(Uri baseUrl, int rounds)
    {
        var samples = Variants.ToDictionary(v => v, _ => new List<Sample>());
        for (var round = -1; round < rounds; round++)
        {
            string[] order = round % 2 == 0 ? Variants : [Variants[1], Variants[0]];
            foreach (var variant in order)
            {
                var sample = await SampleAsync(variant, baseUrl).ConfigureAwait(false);
                if (round >= 0)
                {
                    samples[variant].Add(sample);
                }
            }
        }

        return samples;
    }

    /// <summary>
    /// The body of a sample process: prints the milliseconds from before the first client type is touched to the
    /// answer, and to the client being built.
    /// </summary>
    public static async Task RunChildAsync(string variant, Uri baseUrl)
    {
        var early = AppDomain.CurrentDomain.GetAssemblies()
            .Select(a => a.GetName().Name ?? "")
            .Where(n => n == "Zapier.Client" || n.StartsWith("Microsoft.Kiota", StringComparison.Ordinal))
            .ToList();
        if (early.Count > 0)
        {
            throw new InvalidOperationException("Loaded before the clock started, so the sample would not be cold: " + string.Join(", ", early));
        }

        var watch = Stopwatch.StartNew();
        var (succeeded, results, constructed) = variant switch
        {
            "kiota" => await PlainKiotaOnceAsync(baseUrl, watch).ConfigureAwait(false),
            "zapier" => await ZapierOnceAsync(baseUrl, watch).ConfigureAwait(false),
            _ => throw new ArgumentException($"Unknown variant '{variant}'.", nameof(variant)),
        };
        var elapsed = watch.Elapsed;
        CostVariants.Check(variant, succeeded, results);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Prefix}{elapsed.TotalMilliseconds:0.000} {constructed.TotalMilliseconds:0.000}"));
    }

    // Not inlined, and returning no client type, so that Kiota and Zapier.Client are first loaded (and their code
    // compiled) with the clock already running.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<(bool Succeeded, int? Results, TimeSpan Constructed)> PlainKiotaOnceAsync(Uri baseUrl, Stopwatch watch)
    {
        using var kiota = CostVariants.CreatePlainKiota(baseUrl);
        var constructed = watch.Elapsed;
        var data = (await kiota.Client.V2.ActionRuns[CostVariants.RunId].GetAsync().ConfigureAwait(false))?.Data;
        return (data?.Status == ActionRunResponseStatusEnum.Success, data?.Results?.Count, constructed);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<(bool Succeeded, int? Results, TimeSpan Constructed)> ZapierOnceAsync(Uri baseUrl, Stopwatch watch)
    {
        using var client = CostVariants.CreateZapier(baseUrl);
        var constructed = watch.Elapsed;
        var data = (await client.V2.ActionRuns[CostVariants.RunId].GetAsync().ConfigureAwait(false))?.Data;
        return (data?.Status == ActionRunResponseStatusEnum.Success, data?.Results?.Count, constructed);
    }

    private static async Task<Sample> SampleAsync(string variant, Uri baseUrl)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { typeof(ColdStart).Assembly.Location, ChildMode, variant, baseUrl.ToString() })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start a cold-start sample.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        var line = (await output.ConfigureAwait(false)).Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal));
        var values = line?[Prefix.Length..].Split(' ');
        return process.ExitCode == 0 && values is [var total, var construction]
            ? new Sample(double.Parse(total, CultureInfo.InvariantCulture), double.Parse(construction, CultureInfo.InvariantCulture))
            : throw new InvalidOperationException($"The {variant} cold-start sample failed ({process.ExitCode}): {await error.ConfigureAwait(false)}");
    }
}
