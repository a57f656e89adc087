using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Time.Testing;
using Zapier.Client.ActionRuns;

namespace Zapier.Client.Benchmarks;

/// <summary>
/// BenchmarkDotNet: time and allocations to park N waits and cancel them, against one Task.Delay timer per wait as the
/// baseline in the same run.
/// </summary>
[MemoryDiagnoser]
public class WaitStartBenchmarks
{
    private InMemoryRunApi _api = null!;
    private ZapierClient _client = null!;
    private ActionRunWaitOptions _options = null!;

    [Params(1000)]
    public int Waits { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        _api = new InMemoryRunApi(clock, _ => DateTimeOffset.MaxValue);
        _client = new ZapierClient(_api, new ZapierClientOptions { AccessToken = "benchmark", TimeProvider = clock });
        _options = ActionRunWaitOptions.Default with { InitialDelay = TimeSpan.FromHours(1), Timeout = TimeSpan.FromDays(1) };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _api.Dispose();
    }

    [Benchmark(Baseline = true)]
    public async Task TimerPerWait()
    {
        using var cancel = new CancellationTokenSource();
        var waits = new Task[Waits];
        for (var i = 0; i < waits.Length; i++)
        {
            waits[i] = Task.Delay(TimeSpan.FromHours(1), TimeProvider.System, cancel.Token);
        }

        await cancel.CancelAsync();
        await Task.WhenAll(waits).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [Benchmark]
    public async Task SharedSchedulerWait()
    {
        using var cancel = new CancellationTokenSource();
        var waits = new Task[Waits];
        for (var i = 0; i < waits.Length; i++)
        {
            waits[i] = _client.GetActionRun("run").WaitForCompletionAsync(_options, cancellationToken: cancel.Token);
        }

        await cancel.CancelAsync();
        await Task.WhenAll(waits).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
