using System.Text;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Zapier.Client.ActionRuns;
using Zapier.Client.Errors;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests.ActionRuns;

/// <summary>Waiting on action runs, on a fake clock against a WireMock stub: no real sleeps.</summary>
public sealed class ActionRunWaitTests() : FakeClockStubTest(Start)
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Deterministic settings: no jitter, 1 s then doubling up to 8 s, a 2-minute deadline.</summary>
    private static readonly ActionRunWaitOptions Steady = new()
    {
        InitialDelay = TimeSpan.FromSeconds(1), Multiplier = 2, MaxDelay = TimeSpan.FromSeconds(8), Jitter = 0,
        Timeout = TimeSpan.FromMinutes(2), MinimumInterval = TimeSpan.FromSeconds(1),
    };

    [Fact]
    public async Task Queued_and_running_keep_the_wait_going_and_an_unknown_status_ends_it_visibly()
    {
        Stub.Script("run-4", Answer.Run("queued"), Answer.Run("running"), Answer.Run(StatusProbe.Unclassified));

        var state = await Wait("run-4", Steady);

        Assert.Equal(StatusProbe.Unclassified, state.Status!.Value.Value);
        Assert.False(state.Status.Value.IsKnown);
        Assert.True(state.HasEnded);
        Assert.Null(state.Response!.Data!.Status); // the generated enum cannot hold it; the raw string above does
        Assert.Equal(3, Stub.PollTimes("run-4").Count);
    }

    [Fact]
    public async Task A_status_listed_in_InProgressStatuses_keeps_the_wait_polling_until_the_run_finishes()
    {
        Stub.Script("run-probe", Answer.Run(StatusProbe.Unclassified), Answer.Run(StatusProbe.Unclassified), Answer.Run("success"));

        var state = await Wait("run-probe", Steady with { InProgressStatuses = [StatusProbe.Unclassified] });

        Assert.True(state.Succeeded);
        Assert.Equal(ActionRunStatus.Success, state.Status);
        Assert.Equal(3, Stub.PollTimes("run-probe").Count);
    }

    [Fact]
    public async Task Without_InProgressStatuses_an_unknown_in_progress_status_ends_the_wait_at_its_first_poll()
    {
        Stub.Script("run-probe-2", Answer.Run(StatusProbe.Unclassified), Answer.Run("success"));

        var state = await Wait("run-probe-2", Steady);

        Assert.Equal(StatusProbe.Unclassified, state.Status!.Value.Value);
        Assert.True(state.HasEnded);
        Assert.Single(Stub.PollTimes("run-probe-2"));
    }

    [Fact]
    public void InProgressStatuses_refuses_a_status_that_ends_a_run_and_an_empty_one()
    {
        var finished = Assert.Throws<ArgumentException>(() => (Steady with { InProgressStatuses = [StatusProbe.Unclassified, "success"] }).Validate());
        Assert.Equal("InProgressStatuses", finished.ParamName);
        Assert.Contains("'success'", finished.Message, StringComparison.Ordinal);
        var empty = Assert.Throws<ArgumentException>(() => (Steady with { InProgressStatuses = [""] }).Validate());
        Assert.Equal("InProgressStatuses", empty.ParamName);
    }

    [Fact]
    public async Task A_missing_status_never_counts_as_done_and_stops_the_wait_after_three_polls()
    {
        Stub.Script("run-5", Answer.Run(null));

        var error = await Assert.ThrowsAsync<ZapierProtocolException>(() => Wait("run-5", Steady));

        Assert.Contains("without a status", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, Stub.PollTimes("run-5").Count);
    }

    [Fact]
    public async Task A_429_with_an_http_date_delays_the_next_poll_until_that_date()
    {
        var until = Start.AddSeconds(45);
        Stub.Script("run-7", Answer.Error(429, ("Retry-After", until.ToString("r"))), Answer.Run("success"));

        await Wait("run-7", Steady);

        Assert.Equal(until, Stub.PollTimes("run-7")[1]);
    }

    [Fact]
    public async Task Exhausted_rate_limit_headers_hold_the_next_poll_until_the_reset()
    {
        var reset = Start.AddSeconds(50);
        Stub.Script("run-8", Answer.Error(503, ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", reset.ToUnixTimeSeconds().ToString())), Answer.Run("success"));

        var state = await Wait("run-8", Steady);

        Assert.True(state.Succeeded);
        Assert.True(Stub.PollTimes("run-8")[1] >= reset);
    }

    [Fact]
    public async Task Transient_failures_of_single_polls_do_not_end_the_wait()
    {
        Stub.Script("run-9", Answer.Error(503), Answer.Error(504), Answer.Error(500), Answer.Run("waiting"), Answer.Run("success"));

        var state = await Wait("run-9", Steady);

        Assert.True(state.Succeeded);
        Assert.Equal(5, Stub.PollTimes("run-9").Count);
    }

    [Fact]
    public async Task A_connection_reset_mid_wait_does_not_end_it()
    {
        // WireMock cannot reset a connection; a raw socket peer sends a TCP RST on the second poll.
        var body = (string status) => Encoding.UTF8.GetBytes(Answer.Run(status).Body!.ToJsonString());
        using var peer = new Faults.RawHttpServer(i => i switch
        {
            0 => new Faults.FaultAnswer(200, body("waiting")),
            1 => Faults.FaultAnswer.ConnectionReset,
            _ => new Faults.FaultAnswer(200, body("success")),
        });
        using var client = TestCredentials.FakeTimeClient(Clock, peer.BaseUrl);

        var state = await FakeTimeDriver.DriveAsync(Clock, client, client.GetActionRun("run-19").WaitForCompletionAsync(Steady));

        Assert.True(state.Succeeded);
        Assert.Equal(3, peer.Requests);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(409)]
    public async Task A_refused_poll_ends_the_wait_at_once_with_the_typed_error(int status)
    {
        Stub.Script("run-10", Answer.Run("waiting"), Answer.Error(status));

        var error = await Assert.ThrowsAsync<ZapierApiException>(() => Wait("run-10", Steady));

        Assert.Equal(status, error.StatusCode);
        Assert.Equal("e" + status, Assert.Single(error.Errors).Code);
        Assert.Equal(2, Stub.PollTimes("run-10").Count);
    }

    [Fact]
    public async Task A_huge_retry_after_is_clipped_by_the_deadline_and_one_last_poll_happens_there()
    {
        Stub.Script("run-11", Answer.Error(429, ("Retry-After", "100000")), Answer.Run("waiting"));
        var options = Steady with { Timeout = TimeSpan.FromSeconds(90) };

        var error = await Assert.ThrowsAsync<ActionRunTimeoutException>(() => Wait("run-11", options));

        var times = Stub.PollTimes("run-11");
        Assert.Equal(2, error.Polls);
        Assert.Equal([Start.AddSeconds(1), Start.AddSeconds(90)], times);
        Assert.Equal("waiting", error.LastState!.Status!.Value.Value);
        Assert.Equal("run-11", error.Id);
    }

    [Fact]
    public async Task The_deadline_ends_a_run_that_never_finishes_with_a_final_poll_at_the_deadline()
    {
        Stub.Script("run-12", Answer.Run("waiting"));
        var options = Steady with { Timeout = TimeSpan.FromSeconds(40) };

        var error = await Assert.ThrowsAsync<ActionRunTimeoutException>(() => Wait("run-12", options));

        var times = Stub.PollTimes("run-12");
        Assert.Equal(Start.AddSeconds(40), times[^1]);
        Assert.Equal([1, 3, 7, 15, 23, 31, 39, 40], times.Select(t => (t - Start).TotalSeconds));
        Assert.Equal(times.Count, error.Polls);
        Assert.Contains("can be waited on again by its id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_poll_starts_after_the_deadline_and_the_wait_ends_within_one_poll_timeout_of_it()
    {
        // The case: a server that answers later than every poll's timeout. Before the fix the polls went on
        // past the 4 s deadline (0.2, 1.4, 2.6, 3.8, 4.8 s) and the wait ended at 5.8 s.
        Stub.Hang("run-20");
        var options = new ActionRunWaitOptions
        {
            Timeout = TimeSpan.FromSeconds(4), PollTimeout = TimeSpan.FromSeconds(1), InitialDelay = TimeSpan.FromSeconds(0.2), Multiplier = 1, Jitter = 0,
        };

        var (error, endedAt) = await WaitOnHeldPolls<ActionRunTimeoutException>("run-20", options);

        var times = Stub.PollTimes("run-20");
        var deadline = Start + options.Timeout;
        Assert.All(times, t => Assert.True(t <= deadline, $"a poll started at {(t - Start).TotalSeconds} s, after the deadline"));
        Assert.Equal([0.2, 2.2, 4], times.Select(t => Math.Round((t - Start).TotalSeconds, 3))); // backing off 1 s, then 2 s; the last at the deadline
        Assert.Equal(times.Count, error.Polls);
        Assert.Equal(deadline + options.PollTimeout, endedAt);
    }

    [Fact]
    public async Task A_poll_in_flight_when_the_deadline_passes_is_the_last_one()
    {
        Stub.Hang("run-21");
        var options = new ActionRunWaitOptions
        {
            Timeout = TimeSpan.FromSeconds(4), PollTimeout = TimeSpan.FromSeconds(1), InitialDelay = TimeSpan.FromSeconds(3.5), Jitter = 0,
        };

        var (error, endedAt) = await WaitOnHeldPolls<ActionRunTimeoutException>("run-21", options);

        Assert.Equal([Start.AddSeconds(3.5)], Stub.PollTimes("run-21"));
        Assert.Equal(1, error.Polls);
        Assert.Equal(Start.AddSeconds(4.5), endedAt); // when that poll timed out, not one poll timeout later
    }

    [Fact]
    public async Task A_poll_timeout_longer_than_the_wait_is_clipped_to_the_wait()
    {
        Stub.Hang("run-22");
        var options = new ActionRunWaitOptions { Timeout = TimeSpan.FromSeconds(2), InitialDelay = TimeSpan.FromSeconds(1.5), Jitter = 0 }; // PollTimeout 30 s

        var (error, endedAt) = await WaitOnHeldPolls<ActionRunTimeoutException>("run-22", options, pollTimeout: options.Timeout);

        Assert.Equal([Start.AddSeconds(1.5)], Stub.PollTimes("run-22"));
        Assert.Equal(1, error.Polls);
        Assert.Equal(Start.AddSeconds(3.5), endedAt); // the poll gave up after 2 s: within Timeout + min(PollTimeout, Timeout)
    }

    [Fact]
    public async Task A_poll_still_waiting_for_the_request_budget_at_the_deadline_is_made_at_the_deadline_and_is_the_last()
    {
        // 6 requests a minute: after the first poll (1 s) the budget's next slot is at 11 s, after the 4 s deadline.
        Stub.Script("run-23", Answer.Run("waiting"));
        using var client = TestCredentials.FakeTimeClient(Clock, Stub.BaseUrl, requestsPerMinute: 6);
        var options = Steady with { Multiplier = 1, Timeout = TimeSpan.FromSeconds(4) };
        var wait = client.GetActionRun("run-23").WaitForCompletionAsync(options);
        var endedAt = wait.ContinueWith(_ => Clock.GetUtcNow(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        await Assert.ThrowsAsync<ActionRunTimeoutException>(() => FakeTimeDriver.DriveAsync(Clock, client, wait));

        Assert.Equal([Start.AddSeconds(1), Start.AddSeconds(4)], Stub.PollTimes("run-23"));
        Assert.Equal(Start.AddSeconds(4), await endedAt);
    }

    [Fact]
    public async Task Each_failed_poll_in_a_row_at_least_doubles_the_next_delay_up_to_max_delay_and_a_success_returns_to_the_schedule()
    {
        // Before the fix these polls came every 0.2 s: a run answering 500 was polled 15 times in 3 s.
        Stub.Script(
            "run-24",
            Answer.Error(500), Answer.Error(408), Answer.Error(429), Answer.Error(503), Answer.Error(502), Answer.Error(504),
            Answer.Run("waiting"), Answer.Run("waiting"), Answer.Run("success"));
        var options = new ActionRunWaitOptions
        {
            InitialDelay = TimeSpan.FromSeconds(0.2), Multiplier = 1, Jitter = 0, MinimumInterval = TimeSpan.Zero,
            MaxDelay = TimeSpan.FromSeconds(4), Timeout = TimeSpan.FromMinutes(2),
        };
        using var client = TestCredentials.FakeTimeClient(Clock, Stub.BaseUrl, requestsPerMinute: 600); // a budget that allows 0.2 s apart

        var state = await FakeTimeDriver.DriveAsync(Clock, client, client.GetActionRun("run-24").WaitForCompletionAsync(options));

        Assert.True(state.Succeeded);
        var times = Stub.PollTimes("run-24");
        Assert.Equal([0.2, 1.2, 3.2, 7.2, 11.2, 15.2, 19.2, 19.4, 19.6], times.Select(t => Math.Round((t - Start).TotalSeconds, 3)));
        var gaps = times.Zip(times.Skip(1), (a, b) => Math.Round((b - a).TotalSeconds, 3)).ToList();
        Assert.Equal([1, 2, 4, 4, 4, 4, 0.2, 0.2], gaps); // at least 1 s, doubling, capped at MaxDelay; then the schedule again
        Assert.Equal(2, times.Count(t => t < Start.AddSeconds(3)));
    }

    [Fact]
    public async Task Cancelling_during_a_sleep_ends_the_wait_at_once()
    {
        Stub.Script("run-13", Answer.Run("waiting"));
        using var cancel = new CancellationTokenSource();
        var wait = Client.GetActionRun("run-13").WaitForCompletionAsync(Steady, cancellationToken: cancel.Token);
        await WaitUntilParked();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
        Assert.Empty(Stub.PollTimes("run-13"));
    }

    [Fact]
    public async Task Disposing_the_client_ends_a_pending_wait_instead_of_leaving_it_hanging()
    {
        Stub.Script("run-18", Answer.Run("waiting"));
        using var client = TestCredentials.FakeTimeClient(Clock, Stub.BaseUrl);
        var wait = client.GetActionRun("run-18").WaitForCompletionAsync(Steady);
        while (client.Scheduler.Queued == 0)
        {
            await client.Scheduler.WhenChangedAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        client.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => wait);
    }

    [Fact]
    public async Task Cancelling_during_a_request_ends_the_wait_promptly()
    {
        using var arrived = new SemaphoreSlim(0);
        using var release = new ManualResetEventSlim();
        Stub.Script("run-14", _ =>
        {
            arrived.Release();
            release.Wait(TimeSpan.FromSeconds(10));
            return Answer.Run("waiting");
        });
        using var cancel = new CancellationTokenSource();
        var wait = Client.GetActionRun("run-14").WaitForCompletionAsync(Steady, cancellationToken: cancel.Token);
        var drive = FakeTimeDriver.DriveAsync(Clock, Client, [wait]);

        await arrived.WaitAsync(TimeSpan.FromSeconds(10));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
        release.Set();
        await drive;
    }

    [Fact]
    public async Task A_poll_that_times_out_is_retried_on_the_next_poll()
    {
        using var arrived = new SemaphoreSlim(0);
        using var release = new ManualResetEventSlim();
        Stub.Script("run-15", i =>
        {
            if (i == 0)
            {
                arrived.Release();
                release.Wait(TimeSpan.FromSeconds(10));
            }

            return Answer.Run("success");
        });
        var options = Steady with { PollTimeout = TimeSpan.FromSeconds(5) };
        var wait = Client.GetActionRun("run-15").WaitForCompletionAsync(options);
        Clock.Advance(TimeSpan.FromSeconds(1));

        await arrived.WaitAsync(TimeSpan.FromSeconds(10));
        Clock.Advance(TimeSpan.FromSeconds(5)); // the first poll's own timeout passes on the fake clock
        var state = await FakeTimeDriver.DriveAsync(Clock, Client, wait);
        release.Set();

        Assert.True(state.Succeeded);
        Assert.Equal(2, Stub.PollTimes("run-15").Count);
    }

    [Fact]
    public async Task A_run_is_rehydrated_from_its_id_alone_by_another_client()
    {
        Stub.Script("run-16", Answer.Run("waiting"), Answer.Run("success"));
        using var later = TestCredentials.FakeTimeClient(Clock, Stub.BaseUrl);

        var run = later.GetActionRun("run-16");
        Assert.Null(run.LastState);
        var first = await run.UpdateStatusAsync();
        var final = await FakeTimeDriver.DriveAsync(Clock, later, run.WaitForCompletionAsync(Steady));

        Assert.Equal(ActionRunStatus.Waiting, first.Status);
        Assert.True(final.Succeeded);
        Assert.True(run.HasCompleted);
        Assert.Same(final, run.LastState);
    }

    [Fact]
    public async Task The_generated_request_builder_can_wait_on_an_existing_id()
    {
        Stub.Script("run-17", Answer.Run("running"), Answer.Run("success"));

        var state = await FakeTimeDriver.DriveAsync(Clock, Client, Client.V2.ActionRuns["run-17"].WaitForCompletionAsync(Steady));

        Assert.True(state.Succeeded);
    }

    [Fact]
    public void Out_of_range_settings_are_refused_by_name()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => (ActionRunWaitOptions.Default with { Multiplier = 0.5 }).Validate());
        Assert.Equal("Multiplier", error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => (ActionRunWaitOptions.Default with { Timeout = TimeSpan.Zero }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (ActionRunWaitOptions.Default with { Jitter = 1 }).Validate());
        Assert.Throws<ArgumentException>(() => Client.GetActionRun(" "));
    }

    private Task<ActionRunState> Wait(string id, ActionRunWaitOptions options, IProgress<ActionRunProgress>? progress = null) =>
        FakeTimeDriver.DriveAsync(Clock, Client, Client.GetActionRun(id).WaitForCompletionAsync(options, progress));

    /// <summary>
    /// Runs a wait whose polls the stub holds (<see cref="RunStub.Hang"/>) on the fake clock: while the wait is parked,
    /// to the scheduler's next wake-up; while a poll is held, to the moment that poll's timeout fires. Returns the
    /// wait's exception and the fake time it ended at.
    /// </summary>
    private async Task<(T Error, DateTimeOffset EndedAt)> WaitOnHeldPolls<T>(string id, ActionRunWaitOptions options, TimeSpan? pollTimeout = null)
        where T : Exception
    {
        var limit = pollTimeout ?? options.PollTimeout;
        var wait = Client.GetActionRun(id).WaitForCompletionAsync(options);
        var endedAt = wait.ContinueWith(_ => Clock.GetUtcNow(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        var scheduler = Client.Scheduler;
        for (var step = 0; !wait.IsCompleted; step++)
        {
            Assert.True(step < 1_000, "the wait did not end");
            var moved = Task.WhenAny(wait, scheduler.WhenChangedAsync(), Stub.WhenPolledAsync());
            var polls = Stub.PollTimes(id);
            if (scheduler.Queued > 0 && scheduler.NextWake is { } wake)
            {
                Clock.SetUtcNow(wake > Clock.GetUtcNow() ? wake : Clock.GetUtcNow());
            }
            else if (polls.Count > 0 && polls[^1] + limit > Clock.GetUtcNow())
            {
                Clock.SetUtcNow(polls[^1] + limit);
            }
            else
            {
                // A poll is on its way or its timeout is being handled; a wait that stalls here fails the test.
                Assert.True(await Task.WhenAny(moved, Task.Delay(TimeSpan.FromSeconds(10))) == moved, "the wait stalled on the fake clock");
            }
        }

        return (await Assert.ThrowsAsync<T>(() => wait), await endedAt);
    }

    private async Task WaitUntilParked()
    {
        while (Client.Scheduler.Queued == 0)
        {
            await Client.Scheduler.WhenChangedAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
    }
}
