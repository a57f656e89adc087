using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Zapier.Client.ActionRuns;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Benchmarks;

/// <summary>
/// Polls made and detection lag of the real waiter, on fake time, for runs that finish T seconds after the wait
/// starts: the defaults (many jittered trials, worst case reported) against fixed 1 s and 3 s pollers.
/// </summary>
internal static class PollingEfficiency
{
    private static readonly int[] Durations = [1, 10, 60, 300];
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task RunAsync(int trials)
    {
        var pollers = new (string Name, ActionRunWaitOptions Options, int Trials)[]
        {
            ("defaults", ActionRunWaitOptions.Default with { Timeout = TimeSpan.FromHours(1) }, trials),
            ("fixed 1 s", Fixed(TimeSpan.FromSeconds(1)), 1),
            ("fixed 3 s", Fixed(TimeSpan.FromSeconds(3)), 1),
        };

        Console.WriteLine("| poller | T | polls (worst) | polls goal | lag worst | lag mean | lag goal | goals met |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|:---:|");
        foreach (var (name, options, count) in pollers)
        {
            foreach (var seconds in Durations)
            {
                var samples = new List<(int Polls, double Lag)>();
                for (var trial = 0; trial < count; trial++)
                {
                    samples.Add(await OneRunAsync(options, TimeSpan.FromSeconds(seconds)));
                }

                var pollGoal = (int)Math.Ceiling(2 * Math.Log2(seconds)) + 3;
                var lagGoal = Math.Max(1, 0.15 * seconds);
                var worstPolls = samples.Max(s => s.Polls);
                var worstLag = samples.Max(s => s.Lag);
                var met = worstPolls <= pollGoal && worstLag <= lagGoal + 1e-9;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {seconds} s | {worstPolls} | ≤ {pollGoal} | {worstLag:0.00} s | {samples.Average(s => s.Lag):0.00} s | ≤ {lagGoal:0.##} s | {(met ? "yes" : "no")} |"));
            }
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"defaults: {trials} jittered trials per T; fixed pollers are deterministic (1 trial). Lag = first poll seeing success - T."));
    }

    private static ActionRunWaitOptions Fixed(TimeSpan every) => new()
    {
        InitialDelay = every, Multiplier = 1, MaxDelay = every, Jitter = 0, MinimumInterval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromHours(1),
    };

    private static async Task<(int Polls, double Lag)> OneRunAsync(ActionRunWaitOptions options, TimeSpan duration)
    {
        var clock = new FakeTimeProvider(Start);
        var api = new InMemoryRunApi(clock, _ => Start + duration);
        using var client = new ZapierClient(api, new ZapierClientOptions { AccessToken = "benchmark", TimeProvider = clock }, disposeTransport: true);
        await FakeTimeDriver.DriveAsync(clock, client, client.GetActionRun("run").WaitForCompletionAsync(options));
        var (polls, detected) = api.Run("run");
        return (polls, (detected!.Value - (Start + duration)).TotalSeconds);
    }
}
