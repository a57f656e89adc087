using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Zapier.Client.ActionRuns;
using Zapier.Client.AspNetCore.Tests.Support;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Benchmarks;

/// <summary>
/// Requests per completed run, on fake time, for runs that end T seconds after their create: polling with the default
/// schedule against callbacks with the safety net. Callbacks are signed RS256 tokens POSTed over loopback HTTP to the
/// real receiver (Kestrel) by the tests' fake Zapier helpers, so the latency from a callback's sending to the end of the wait is measured in real time.
/// </summary>
internal static class CallbackEfficiency
{
    private static readonly int[] Durations = [1, 10, 60, 300];
    private static readonly Uri PublicCallbackUrl = new("https://hooks.example.com/zapier/action-runs/callback");

    public static async Task RunAsync(int trials)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var ends = new Dictionary<string, DateTimeOffset>();
        var api = new InMemoryRunApi(clock, id => ends.GetValueOrDefault(id, DateTimeOffset.MaxValue));
        var channel = new InProcessActionRunCompletionChannel();
        using var key = RSA.Create(2048);
        await using var receiver = await StartReceiverAsync(clock, channel, key);
        var callbackUrl = new Uri(FakeZapier.Address(receiver), "/zapier/action-runs/callback");
        using var http = new HttpClient();

        // One run: create, wait, and (unless lost) the callback at T; returns the requests it cost and the latency.
        async Task<(int Requests, double? LatencyMs)> OneRunAsync(bool callbacks, TimeSpan duration, bool lost)
        {
            using var client = new ZapierClient(api, new ZapierClientOptions
            {
                AccessToken = "benchmark",
                TimeProvider = clock,
                ActionRunCallbackUrl = callbacks ? PublicCallbackUrl : null,
                ActionRunCompletions = callbacks ? channel : null,
            }, disposeTransport: false);
            var createsBefore = api.Creates;
            var run = await client.StartActionRunAsync(new ActionRunRequest("core:benchmark"));
            var end = clock.GetUtcNow() + duration;
            lock (ends)
            {
                ends[run.Id] = end;
            }

            var wait = run.WaitForCompletionAsync();
            double? latency = null;
            if (callbacks && !lost)
            {
                await DriveUntilAsync(clock, client, wait, end);
                if (!wait.IsCompleted)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, callbackUrl)
                    {
                        Content = new StringContent(FakeZapier.RunBody(run.Id), Encoding.UTF8, "application/json"),
                    };
                    request.Headers.Add("Zapier-Callback-Signature", FakeZapier.Sign(clock.GetUtcNow(), key, "k1"));
                    var sent = Stopwatch.GetTimestamp();
                    using var response = await http.SendAsync(request);
                    await wait.WaitAsync(TimeSpan.FromSeconds(10));
                    latency = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                    if ((int)response.StatusCode != 204)
                    {
                        throw new InvalidOperationException($"The receiver answered {(int)response.StatusCode}.");
                    }
                }
            }

            await FakeTimeDriver.DriveAsync(clock, client, wait);
            return (api.Creates - createsBefore + api.Run(run.Id).Polls, latency);
        }

        // The first callback pays for JIT compilation of the receiver's path; it is reported apart, not in the table.
        var (_, coldLatency) = await OneRunAsync(callbacks: true, TimeSpan.FromSeconds(1), lost: false);

        Console.WriteLine("| T | polling: requests/run (mean, worst) | callbacks: requests/run (mean, worst) | callback lost: requests/run | callbacks, 1 % lost | callback → wait ended (p50, max) | runs/min in 60 requests/min: polling → callbacks |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        var allLatencies = new List<double>();
        var callbackMeans = new List<double>();
        foreach (var seconds in Durations)
        {
            var duration = TimeSpan.FromSeconds(seconds);
            var polling = new List<int>();
            var viaCallback = new List<int>();
            var latencies = new List<double>();
            for (var trial = 0; trial < trials; trial++)
            {
                polling.Add((await OneRunAsync(callbacks: false, duration, lost: false)).Requests);
                var (requests, latency) = await OneRunAsync(callbacks: true, duration, lost: false);
                viaCallback.Add(requests);
                latencies.Add(latency ?? double.NaN);
            }

            var lostRun = (await OneRunAsync(callbacks: true, duration, lost: true)).Requests;
            var measured = latencies.Where(l => !double.IsNaN(l)).Order().ToList();
            allLatencies.AddRange(measured);
            var pollMean = polling.Average();
            var callbackMean = viaCallback.Average();
            callbackMeans.Add(callbackMean);
            var mixed = (0.99 * callbackMean) + (0.01 * lostRun);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {seconds} s | {pollMean:0.00} ({polling.Max()}) | {callbackMean:0.00} ({viaCallback.Max()}) | {lostRun} | {mixed:0.00} | {Percentile(measured, 0.5):0.0} ms, {measured.Max():0.0} ms | {60 / pollMean:0.#} → {60 / mixed:0.#} |"));
        }

        var sorted = allLatencies.Order().ToList();
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{trials} trials per T and way; polling uses the default schedule (jittered), callbacks the default SafetyPollInterval (6 min, up to 5 % less). Callbacks: mean {callbackMeans.Average():0.00} requests per run over the four T (goal ≤ 1.2)."));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Callback sent → wait ended: p50 {Percentile(sorted, 0.5):0.0} ms, p99 {Percentile(sorted, 0.99):0.0} ms, max {sorted.Max():0.0} ms over {sorted.Count} callbacks (goal ≤ 50 ms; real HTTP on loopback, JWT verified)."));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"The first callback after start (JIT compilation included, not in the figures above): {coldLatency:0.0} ms."));
        Console.WriteLine("\"Callback lost\" is one run whose callback never comes: the safety polls end it. Runs a minute = 60 / requests per run.");
    }

    /// <summary>Moves the fake clock through the wait's sleeps, but not past <paramref name="until"/>.</summary>
    private static async Task DriveUntilAsync(FakeTimeProvider clock, ZapierClient client, Task wait, DateTimeOffset until)
    {
        var scheduler = client.Scheduler;
        for (var step = 0; step < 100_000 && !wait.IsCompleted; step++)
        {
            var changed = scheduler.WhenChangedAsync();
            if (scheduler.Queued >= 1 && scheduler.NextWake is { } wake)
            {
                if (wake > until)
                {
                    clock.SetUtcNow(until);
                    return;
                }

                clock.SetUtcNow(wake > clock.GetUtcNow() ? wake : clock.GetUtcNow());
                clock.Advance(TimeSpan.Zero);
                continue;
            }

            await Task.WhenAny(wait, changed, Task.Delay(TimeSpan.FromSeconds(30)));
        }
    }

    private static async Task<WebApplication> StartReceiverAsync(FakeTimeProvider clock, IActionRunCompletionChannel channel, RSA key)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddSingleton(channel);
        builder.Services.AddZapierActionRunCallbacks(o => o.Jwks = FakeZapier.JwksOf(("k1", key)));
        var app = builder.Build();
        app.MapZapierActionRunCallbacks("/zapier/action-runs/callback");
        app.Urls.Add("http://127.0.0.1:0");
        await app.StartAsync();
        return app;
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
