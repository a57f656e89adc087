using System.Diagnostics;

namespace Zapier.Client.Benchmarks.Cost;

/// <summary>
/// Time ratios measured in rounds that run every variant back to back, so load from other work on the machine hits
/// them alike. BenchmarkDotNet measures one variant after another, each for several seconds, and on a shared machine
/// the load can change in between; this is the cross-check.
/// </summary>
internal static class Interleaved
{
    /// <summary>
    /// Runs rounds of <paramref name="batch"/> calls per variant (the order rotating each round): unmeasured ones for
    /// <paramref name="warmup"/>, then <paramref name="rounds"/> measured ones. Returns, per variant, the median over
    /// rounds of its time divided by the first variant's time in the same round.
    /// </summary>
    /// <remarks>
    /// The warm-up is by time, not by count: tiered JIT promotes hot methods on a background thread, which on a busy
    /// machine can take seconds, and a variant with more code (the client's pipeline) takes longer to get there.
    /// </remarks>
    public static async Task<double[]> RatiosAsync(IReadOnlyList<Func<Task>> variants, int rounds, int batch, TimeSpan warmup)
    {
        var ratios = variants.Select(_ => new List<double>(rounds)).ToArray();
        var elapsed = new double[variants.Count];
        var warming = Stopwatch.StartNew();
        for (var round = 0; round < rounds; round++)
        {
            for (var k = 0; k < variants.Count; k++)
            {
                var v = (round + k) % variants.Count;
                var start = Stopwatch.GetTimestamp();
                for (var i = 0; i < batch; i++)
                {
                    await variants[v]().ConfigureAwait(false);
                }

                elapsed[v] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }

            if (warming.Elapsed < warmup)
            {
                round = -1;
                continue;
            }

            for (var v = 0; v < variants.Count; v++)
            {
                ratios[v].Add(elapsed[v] / elapsed[0]);
            }
        }

        return ratios.Select(Median).ToArray();
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
