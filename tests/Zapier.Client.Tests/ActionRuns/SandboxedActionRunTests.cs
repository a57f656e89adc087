using Microsoft.Extensions.Time.Testing;
using Zapier.Client.ActionRuns;
using Zapier.Client.Errors;
using Zapier.Client.Generated.Models;
using Zapier.Client.Testing;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests.ActionRuns;

/// <summary>
/// Starting and waiting on action runs against the sandbox (Zapier.Client.Testing), on a fake clock shared by the
/// client and the sandbox's journal: runs are created through the API and answer their action's script poll by poll.
/// </summary>
public sealed class SandboxedActionRunTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Deterministic settings: no jitter, 1 s then doubling up to 8 s, a 2-minute deadline.</summary>
    private static readonly ActionRunWaitOptions Steady = new()
    {
        InitialDelay = TimeSpan.FromSeconds(1), Multiplier = 2, MaxDelay = TimeSpan.FromSeconds(8), Jitter = 0,
        Timeout = TimeSpan.FromMinutes(2), MinimumInterval = TimeSpan.FromSeconds(1),
    };

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly ZapierSandbox _zapier;
    private readonly ZapierClient _client;

    public SandboxedActionRunTests()
    {
        _zapier = ZapierSandbox.Start(new ZapierSandboxOptions { TimeProvider = _clock });
        _client = new ZapierClient(_zapier.ConfigureOptions(new ZapierClientOptions { TimeProvider = _clock, Retry = ZapierRetryOptions.Default }));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _zapier.DisposeAsync();
    }

    [Fact]
    public async Task Waiting_several_times_then_success_returns_the_results_with_growing_delays()
    {
        _zapier.AddAction("core:send", run => run.Waiting(3).Success(new { id = 123 }));
        var progress = new List<ActionRunProgress>();

        var (run, state) = await StartAndWait("core:send", Steady, new SyncProgress(progress));

        Assert.True(state.Succeeded);
        Assert.Equal(ActionRunStatus.Success, state.Status);
        Assert.Equal(123m, Assert.Single(state.Results).AdditionalData["id"]);
        Assert.Equal(["waiting", "waiting", "waiting", "success"], _zapier.Journal.PollsOf(run.Id).Select(p => p.RunStatus));
        Assert.Equal([2, 4, 8], Gaps(run.Id)); // the first poll comes 1 s after the start
        Assert.Equal([0, 1, 2, 3], progress.Select(p => p.Polls));
        Assert.Equal([1, 2, 4, 8], progress.Select(p => p.NextDelay.TotalSeconds));
        Assert.Equal([null, "waiting", "waiting", "waiting"], progress.Select(p => p.Status));
    }

    [Fact]
    public async Task An_error_run_is_a_result_and_a_throttled_delay_is_a_floor_for_the_next_poll()
    {
        _zapier.AddAction("core:post", run => run
            .Waiting(1, SandboxRunError.Throttled(20))
            .Error(new SandboxRunError("partner", "Bad input", "No such channel") { Meta = new() { ["channel"] = "x" } }));

        var (run, state) = await StartAndWait("core:post", Steady);

        Assert.Equal(ActionRunStatus.Error, state.Status);
        var error = Assert.Single(state.Errors);
        Assert.Equal((CodeEnum.Partner, "Bad input", "No such channel"), (error.Code!.Value, error.Title, error.Detail));
        Assert.Equal([20], Gaps(run.Id));
    }

    [Fact]
    public async Task Throw_on_error_turns_an_error_run_into_an_exception_that_keeps_it()
    {
        _zapier.AddAction("core:post", run => run.Error(SandboxRunError.User("Denied", "No access")));

        var error = await Assert.ThrowsAsync<ActionRunFailedException>(() => StartAndWait("core:post", Steady with { ThrowOnError = true }));

        Assert.Equal(Assert.Single(_zapier.Runs).Id, error.State.Id);
        Assert.Contains("Denied [User]: No access", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_429_with_retry_after_seconds_delays_the_next_poll()
    {
        _zapier.AddAction("core:post", run => run.Fault(SandboxFault.TooManyRequests(TimeSpan.FromSeconds(30))).Success());

        var (run, state) = await StartAndWait("core:post", Steady);

        Assert.True(state.Succeeded);
        Assert.Equal([429, 200], _zapier.Journal.PollsOf(run.Id).Select(p => p.Status));
        Assert.Equal([30], Gaps(run.Id));
    }

    [Fact]
    public async Task A_poll_left_without_an_answer_times_out_and_the_wait_goes_on_to_the_result()
    {
        _zapier.AddAction("core:slow", run => run.Fault(SandboxFault.NoAnswer()).Success(new { id = 5 }));
        var run = await _client.StartActionRunAsync(new ActionRunRequest("core:slow"));
        var wait = run.WaitForCompletionAsync(Steady with { PollTimeout = TimeSpan.FromSeconds(10) });

        _clock.Advance(TimeSpan.FromSeconds(1)); // the first poll's delay
        await PollArrived(run.Id, 1);
        _clock.Advance(TimeSpan.FromSeconds(10)); // its timeout: the held poll counts as a transient failure
        var state = await FakeTimeDriver.DriveAsync(_clock, _client, wait);

        Assert.True(state.Succeeded);
        Assert.Equal([0, 200], _zapier.Journal.PollsOf(run.Id).Select(p => p.Status));
        Assert.True(Gaps(run.Id)[0] >= 10, $"the second poll came {Gaps(run.Id)[0]} s after the first");
    }

    [Theory]
    [InlineData(504)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task A_create_that_may_have_reached_zapier_is_never_sent_again(int status)
    {
        _zapier.AddAction("core:1", run => run.FailCreates(SandboxFault.ServerError(status)));

        var error = await Assert.ThrowsAsync<ZapierApiException>(() => _client.StartActionRunAsync(new ActionRunRequest("core:1")));

        Assert.Equal(status, error.StatusCode);
        Assert.Single(_zapier.Journal.CreatesOf("core:1"));
    }

    [Fact]
    public async Task A_429_is_refused_before_processing_so_the_create_is_tried_again_after_retry_after()
    {
        _zapier.AddAction("core:1", run => run.FailCreates(SandboxFault.TooManyRequests(TimeSpan.FromSeconds(12))));

        var run = await FakeTimeDriver.DriveAsync(_clock, _client, _client.StartActionRunAsync(new ActionRunRequest("core:1")));

        var creates = _zapier.Journal.CreatesOf("core:1");
        Assert.Equal([429, 200], creates.Select(c => c.Status));
        Assert.Equal(run.Id, creates[1].RunId);
        Assert.True(creates[1].At - creates[0].At >= TimeSpan.FromSeconds(12), $"the create was sent again {creates[1].At - creates[0].At} later");
    }

    [Fact]
    public async Task A_create_refused_with_429_every_time_is_sent_four_times_in_all_then_the_429_reaches_the_caller()
    {
        // ZapierRetryOptions.MaxRetries (3) counts retries after the first attempt, as the README says.
        _zapier.AddAction("core:1", run => run.FailCreates([.. Enumerable.Repeat(SandboxFault.TooManyRequests(), 5)]));

        var error = await Assert.ThrowsAsync<ZapierApiException>(
            () => FakeTimeDriver.DriveAsync(_clock, _client, _client.StartActionRunAsync(new ActionRunRequest("core:1"))));

        Assert.Equal(429, error.StatusCode);
        Assert.Equal(4, _zapier.Journal.CreatesOf("core:1").Count); // the first attempt and 3 retries
        Assert.Empty(_zapier.Runs);
    }

    [Fact]
    public async Task Run_and_wait_starts_the_run_and_returns_it_completed()
    {
        _zapier.AddAction("core:1", run => run.Waiting().Success(new { ok = true }));

        var run = await FakeTimeDriver.DriveAsync(_clock, _client, _client.RunActionAsync(ActionRunWaitUntil.Completed, new ActionRunRequest("core:1")));

        Assert.True(run.HasCompleted);
        Assert.True(run.LastState!.Succeeded);
        Assert.Equal(true, run.LastState.Results.Single().AdditionalData["ok"]);
        Assert.Equal(2, _zapier.Journal.PollsOf(run.Id).Count);
    }

    private async Task<(ActionRun Run, ActionRunState State)> StartAndWait(string actionId, ActionRunWaitOptions options, IProgress<ActionRunProgress>? progress = null)
    {
        var run = await _client.StartActionRunAsync(new ActionRunRequest(actionId));
        return (run, await FakeTimeDriver.DriveAsync(_clock, _client, run.WaitForCompletionAsync(options, progress)));
    }

    /// <summary>Completes once the sandbox has received <paramref name="count"/> polls of the run (it checks every 5 ms, for at most 10 s).</summary>
    private async Task PollArrived(string runId, int count)
    {
        for (var i = 0; i < 2_000 && _zapier.Journal.PollsOf(runId).Count < count; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5));
        }

        Assert.Equal(count, _zapier.Journal.PollsOf(runId).Count);
    }

    /// <summary>Seconds between the run's consecutive polls, on the fake clock.</summary>
    private int[] Gaps(string runId)
    {
        var times = _zapier.Journal.PollsOf(runId).Select(p => p.At).ToList();
        return [.. times.Zip(times.Skip(1), (a, b) => (int)(b - a).TotalSeconds)];
    }

    /// <summary>Records reports synchronously, in order (Progress&lt;T&gt; would post them to the thread pool).</summary>
    private sealed class SyncProgress(List<ActionRunProgress> reports) : IProgress<ActionRunProgress>
    {
        public void Report(ActionRunProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
