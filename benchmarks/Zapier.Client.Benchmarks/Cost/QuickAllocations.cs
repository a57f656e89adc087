using System.Globalization;

namespace Zapier.Client.Benchmarks.Cost;

/// <summary>
/// The <c>cost-quick</c> mode: bytes allocated per call by each variant (the process's total allocations over many
/// calls after a warm-up, divided by the calls), in seconds rather than minutes, for working on the pipeline's cost.
/// BenchmarkDotNet's figures (<c>cost</c>) are the ones to publish.
/// </summary>
internal static class QuickAllocations
{
    private const int Warmup = 2_000;
    private const int Calls = 5_000;

    public static async Task RunAsync()
    {
        using var server = await CostServer.StartAsync().ConfigureAwait(false);
        using var raw = CostVariants.CreateRaw(server.BaseUrl);
        using var kiota = CostVariants.CreatePlainKiota(server.BaseUrl);
        using var zapier = CostVariants.CreateZapier(server.BaseUrl);
        var variants = new (string Name, Func<Task> Call)[]
        {
            ("raw", () => CostVariants.GetRawAsync(raw)),
            ("plain Kiota", () => kiota.Client.V2.ActionRuns[CostVariants.RunId].GetAsync()),
            ("ZapierClient", () => zapier.V2.ActionRuns[CostVariants.RunId].GetAsync()),
        };
        Console.WriteLine("| Variant | Allocated per call |");
        Console.WriteLine("|---|---:|");
        foreach (var (name, call) in variants)
        {
            for (var i = 0; i < Warmup; i++)
            {
                await call().ConfigureAwait(false);
            }

            GC.Collect();
            var before = GC.GetTotalAllocatedBytes(precise: true);
            for (var i = 0; i < Calls; i++)
            {
                await call().ConfigureAwait(false);
            }

            var perCall = (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)Calls;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {perCall:#,0} B |"));
        }
    }
}

internal static class ParseAllocations
{
    public static async Task RunAsync()
    {
        var body = System.Text.Encoding.UTF8.GetBytes("""{"data":{"type":"run","status":"success","results":[{"id":123}],"errors":[]}}""");
        var ours = new Zapier.Client.Serialization.ZapierParseNodeFactory();
        var kiota = new Microsoft.Kiota.Serialization.Json.JsonParseNodeFactory();
        foreach (var (name, factory) in new (string, Microsoft.Kiota.Abstractions.Serialization.IParseNodeFactory)[] { ("kiota", kiota), ("ours", ours) })
        {
            async Task Once()
            {
                using var s = new MemoryStream(body);
                var node = await factory.GetRootParseNodeAsync("application/json", s);
                node.GetObjectValue(Zapier.Client.Generated.Models.ActionRunResponse.CreateFromDiscriminatorValue);
            }
            for (var i = 0; i < 2000; i++) await Once();
            var before = GC.GetTotalAllocatedBytes(true);
            for (var i = 0; i < 5000; i++) await Once();
            Console.WriteLine($"{name}: {(GC.GetTotalAllocatedBytes(true) - before) / 5000.0:0} B per parse");
        }
    }
}

internal static class LayerAllocations
{
    public static async Task RunAsync()
    {
        using var server = await CostServer.StartAsync().ConfigureAwait(false);
        var options = new ZapierClientOptions { BaseUrl = server.BaseUrl, AccessToken = CostVariants.Token, RequestsPerMinute = int.MaxValue };
        var core = new ZapierClientCore(options);
        var types = Zapier.Client.Http.HttpPipeline.Handlers(core).Select(h => h.GetType()).ToList();
        foreach (var skip in types.Prepend(null))
        {
            HttpMessageHandler next = Zapier.Client.Http.HttpPipeline.DefaultTransport();
            foreach (var h in Zapier.Client.Http.HttpPipeline.Handlers(core).Reverse())
            {
                if (h.GetType() == skip) continue;
                h.InnerHandler = next;
                next = h;
            }
            var http = new HttpClient(next);
            Zapier.Client.Http.HttpPipeline.Identify(http);
            using var client = new ZapierClient(core, http, ownsCore: false, ownsHttpClient: true);
            for (var i = 0; i < 2000; i++) await client.V2.ActionRuns[CostVariants.RunId].GetAsync();
            GC.Collect();
            var before = GC.GetTotalAllocatedBytes(true);
            for (var i = 0; i < 5000; i++) await client.V2.ActionRuns[CostVariants.RunId].GetAsync();
            Console.WriteLine($"without {skip?.Name ?? "(nothing)"}: {(GC.GetTotalAllocatedBytes(true) - before) / 5000.0:0} B");
        }
    }
}

/// <summary>The <c>cold-quick</c> mode: only the cold construction-plus-first-call samples, for work on start-up cost.</summary>
internal static class QuickColdStart
{
    public static async Task RunAsync(int rounds)
    {
        using var server = await CostServer.StartAsync().ConfigureAwait(false);
        var samples = await ColdStart.MeasureAsync(server.BaseUrl, rounds).ConfigureAwait(false);
        foreach (var (variant, list) in samples)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{variant}: {list.Average(s => s.TotalMs):0.0} ms (construction {list.Average(s => s.ConstructionMs):0.0} ms) over {list.Count}"));
        }
    }
}
