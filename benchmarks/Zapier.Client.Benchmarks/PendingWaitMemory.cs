using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Zapier.Client.ActionRuns;

namespace Zapier.Client.Benchmarks;

/// <summary>
/// What a pending wait costs: memory retained per wait parked in the client's scheduler, and threads, measured with
/// many waits pending at once; a baseline of one Task.Delay timer per wait is measured in the same run.
/// </summary>
internal static class PendingWaitMemory
{
    public static async Task RunAsync(int count)
    {
        var baseline = await MeasureAsync(count, static (n, cancel) =>
            Enumerable.Range(0, n).Select(_ => Task.Delay(TimeSpan.FromHours(1), TimeProvider.System, cancel)).ToList(), ready: null);

        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var client = new ZapierClient(new InMemoryRunApi(clock, _ => DateTimeOffset.MaxValue), new ZapierClientOptions { AccessToken = "benchmark", TimeProvider = clock }, disposeTransport: true);
        var options = ActionRunWaitOptions.Default with { InitialDelay = TimeSpan.FromHours(1), Timeout = TimeSpan.FromDays(1) };
        var scheduler = await MeasureAsync(count, (n, cancel) =>
            Enumerable.Range(0, n).Select(i => (Task)client.GetActionRun("run-" + i).WaitForCompletionAsync(options, cancellationToken: cancel)).ToList(),
            ready: n => client.Scheduler.Queued >= n);

        // The same waits on a client with a completion channel: each also listens for its run's callback.
        using var listening = new ZapierClient(new InMemoryRunApi(clock, _ => DateTimeOffset.MaxValue), new ZapierClientOptions
        {
            AccessToken = "benchmark", TimeProvider = clock, ActionRunCompletions = new InProcessActionRunCompletionChannel(),
        }, disposeTransport: true);
        var callbacks = await MeasureAsync(count, (n, cancel) =>
            Enumerable.Range(0, n).Select(i => (Task)listening.GetActionRun("run-" + i).WaitForCompletionAsync(options, cancellationToken: cancel)).ToList(),
            ready: n => listening.Scheduler.Queued >= n);

        Console.WriteLine("| pending waits | way | bytes per pending wait | thread-pool threads before → during |");
        Console.WriteLine("|---:|---|---:|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {count} | one Task.Delay timer per wait (baseline) | {baseline.BytesPerWait:0} | {baseline.ThreadsBefore} → {baseline.ThreadsDuring} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {count} | Zapier.Client action-run wait (shared scheduler) | {scheduler.BytesPerWait:0} | {scheduler.ThreadsBefore} → {scheduler.ThreadsDuring} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {count} | the same, also listening for its callback | {callbacks.BytesPerWait:0} | {callbacks.ThreadsBefore} → {callbacks.ThreadsDuring} |"));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ratio (wait / baseline): {scheduler.BytesPerWait / baseline.BytesPerWait:0.00}. The wait holds its ActionRun, options and progress state; the baseline holds nothing but a timer."));
    }

    private static async Task<(double BytesPerWait, int ThreadsBefore, int ThreadsDuring)> MeasureAsync(
        int count, Func<int, CancellationToken, List<Task>> start, Func<int, bool>? ready)
    {
        using var cancel = new CancellationTokenSource();
        start(16, cancel.Token); // warm up code paths and caches before measuring
        var threadsBefore = ThreadPool.ThreadCount;
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var waits = start(count, cancel.Token);
        for (var spins = 0; ready is not null && !ready(count + 16) && spins < 1000; spins++)
        {
            await Task.Yield();
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        var threadsDuring = ThreadPool.ThreadCount;
        await cancel.CancelAsync();
        await Task.WhenAll(waits.Select(w => w.ContinueWith(_ => { }, TaskScheduler.Default)));
        GC.KeepAlive(waits);
        return ((after - before) / (double)count, threadsBefore, threadsDuring);
    }
}
