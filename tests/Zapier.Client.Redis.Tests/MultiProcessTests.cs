using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Zapier.Client.Redis.Tests;

/// <summary>
/// Three OS processes (the worker program), each starting 40 action runs and waiting for them, against one stub
/// that enforces the limit. Zapier's 60 a minute per address and 150 per partner are scaled up together by 30
/// (1800 and 4500 a minute, counted over a 6-second window, a 2-second cool-down) so the run takes seconds.
/// </summary>
public sealed class MultiProcessTests(ITestOutputHelper output)
{
    private const int Processes = 3;
    private const int RunsEach = 40;
    private const int PerEgress = 1800;
    private const int PerPartner = 4500;

    // The fleet budget is set a little under the stub's limit: the stub counts arrivals in a 6-second window, where tens
    // of milliseconds of scheduling jitter on a loaded machine can put a few requests more into a window.
    private const int FleetPerEgress = PerEgress * 95 / 100;

    // The achieved share of the limit (goal: at least 90 %) is a figure in the test output, not an assertion: it
    // depends on how loaded the machine is.
    [RedisFact]
    public async Task Three_processes_sharing_one_redis_budget_get_no_429_and_complete_every_run_once()
    {
        using var redis = new RedisServer();
        using var stub = new FleetStub(PerEgress, TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(2));

        var results = await RunFleetAsync(stub, redis.Configuration, FleetPerEgress, deadlineSeconds: 40);

        output.WriteLine($"shared Redis budget: {stub.Served + stub.Refused} requests sent, {stub.Refused} x 429, " +
            $"{results.Sum(r => Completed(r))}/{Processes * RunsEach} runs completed, {stub.Served} served in {stub.ServedSeconds:F2} s = " +
            $"{stub.AchievedShare:P1} of the limit ({PerEgress}/min); workers: {string.Join("; ", results.Select(r => r.ToJsonString()))}");
        Assert.Equal(0, stub.Refused);
        Assert.All(results, r => Assert.Equal(RunsEach, Completed(r)));
        Assert.Equal(Processes * RunsEach, stub.Created.Count);
        Assert.All(stub.Created.Values, n => Assert.Equal(1, n)); // no run started twice
    }

    [RedisFact]
    public async Task Three_processes_with_their_own_budgets_at_the_same_rate_meet_429s()
    {
        using var stub = new FleetStub(PerEgress, TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(2));

        var results = await RunFleetAsync(stub, "local", FleetPerEgress, deadlineSeconds: 15);

        output.WriteLine($"per-process budgets: {stub.Served + stub.Refused} requests sent, {stub.Refused} x 429, " +
            $"{results.Sum(r => Completed(r))}/{Processes * RunsEach} runs completed within 15 s, {stub.Served} served in {stub.ServedSeconds:F2} s = " +
            $"{stub.AchievedShare:P1} of the limit; outcomes: {string.Join("; ", results.Select(r => r["outcomes"]!.ToJsonString()))}");
        Assert.True(stub.Refused > 0, "three processes at the full rate each must exceed the shared limit");
    }

    private static int Completed(JsonNode result) => result["outcomes"]?["completed"]?.GetValue<int>() ?? 0;

    private static async Task<JsonNode[]> RunFleetAsync(FleetStub stub, string redis, int perEgress, int deadlineSeconds)
    {
        var worker = typeof(MultiProcessTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "WorkerPath").Value!;
        var start = DateTimeOffset.UtcNow.AddSeconds(3).ToUnixTimeMilliseconds(); // every worker loaded before the first request
        var processes = Enumerable.Range(0, Processes).Select(_ =>
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new object[] { worker, stub.BaseUrl.ToString(), redis, RunsEach, perEgress, PerPartner, start, deadlineSeconds, Processes })
            {
                info.ArgumentList.Add(Convert.ToString(arg, CultureInfo.InvariantCulture)!);
            }

            return Process.Start(info)!;
        }).ToList();

        try
        {
            return await Task.WhenAll(processes.Select(async p =>
            {
                var stdout = p.StandardOutput.ReadToEndAsync();
                var stderr = p.StandardError.ReadToEndAsync();
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(deadlineSeconds + 30));
                await p.WaitForExitAsync(limit.Token);
                Assert.True(p.ExitCode == 0, $"worker exited with {p.ExitCode}: {await stderr}");
                return JsonNode.Parse((await stdout).Trim().Split('\n')[^1])!;
            }));
        }
        finally
        {
            foreach (var p in processes)
            {
                if (!p.HasExited)
                {
                    p.Kill();
                }

                p.Dispose();
            }
        }
    }
}
