using Zapier.Client.Budget;
using Zapier.Client.Errors;
using Zapier.Client.Generated.V2.ActionRuns.Item;
using Zapier.Client.Http;
using Zapier.Client.Resilience;
using Zapier.Client.Telemetry;

namespace Zapier.Client.ActionRuns;

/// <summary>
/// Waits on one action run: polls through the client's shared scheduler until the status leaves the in-progress
/// values, with growing delays, server hints as floors, a deadline after which no poll starts, and transient failures
/// of single polls ridden out with a delay that at least doubles after each.
/// </summary>
internal sealed class ActionRunPoller(ActionRunsItemRequestBuilder run, ZapierClientCore runtime, string id)
{
    private const int MaxPollsWithoutStatus = 3;

    /// <summary>The least delay after a first failed poll, so a zero schedule still backs off.</summary>
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);

    // The wait owns the delays between its polls; the HTTP layer must not add retries (and sleeps) of its own.
    private static readonly ZapierRetryOptions NoRetries = new() { MaxRetries = 0 };

    public async Task<ActionRunState> PollOnceAsync(bool slotTaken, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = timeout is { } limit ? new CancellationTokenSource(limit, runtime.Time) : null;
        using var linked = timeoutSource is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        var response = await run.GetAsync(
            c =>
            {
                if (slotTaken)
                {
                    c.Options.Add(new ZapierCallContext { BudgetPermitTaken = true, Retry = NoRetries });
                }
            },
            linked?.Token ?? cancellationToken).ConfigureAwait(false);
        return new ActionRunState(id, response, RawStatus(response?.Data), runtime.Time.GetUtcNow());
    }

    /// <summary>
    /// The status as sent: the typed value when the client knows it, else the raw string the forward-compatible
    /// reader kept in the model's additional data (Kiota alone would have turned it into null).
    /// </summary>
    private static string? RawStatus(Generated.Models.ActionRunResponseData? data) =>
        data?.Status is { } known
            ? typeof(Generated.Models.ActionRunResponseStatusEnum).GetField(known.ToString())!
                .GetCustomAttributes(typeof(System.Runtime.Serialization.EnumMemberAttribute), false)
                .Cast<System.Runtime.Serialization.EnumMemberAttribute>().Single().Value
            : data?.AdditionalData.TryGetValue("status", out var raw) == true ? raw as string : null;

    /// <summary>Waits as described on the type, inside the wait's span and metrics.</summary>
    public async Task<ActionRunState> WaitAsync(
        ActionRunState? known, ActionRunWaitOptions options, IProgress<ActionRunProgress>? progress, CancellationToken cancellationToken)
    {
        options.Validate();
        if (known is { HasEnded: true })
        {
            return Finish(known, options);
        }

        var stats = new WaitStats();
        var started = runtime.Time.GetTimestamp();
        var activity = ZapierTelemetry.StartWait(id);
        try
        {
            var state = await WaitCoreAsync(known, options, progress, stats, cancellationToken).ConfigureAwait(false);
            var elapsed = runtime.Time.GetElapsedTime(started);
            var status = state.Status!.Value;
            runtime.Log.WaitEnded(id, status.Value, stats.Polls, elapsed);
            ZapierTelemetry.EndWait(activity, status.IsSuccess ? "success" : status.IsError ? "error" : "unknown", status.Value, stats.Polls, elapsed, stats.BudgetWait, null);
            return Finish(state, options);
        }
        catch (Exception e)
        {
            var elapsed = runtime.Time.GetElapsedTime(started);
            var outcome = e switch
            {
                ActionRunTimeoutException => "timeout",
                OperationCanceledException => "canceled",
                _ => "failed",
            };
            if (e is ActionRunTimeoutException timeout)
            {
                runtime.Log.WaitTimedOut(id, stats.Polls, elapsed, timeout.LastState?.Status?.Value ?? "unknown");
            }

            ZapierTelemetry.EndWait(activity, outcome, (e as ActionRunTimeoutException)?.LastState?.Status?.Value, stats.Polls, elapsed, stats.BudgetWait, e.GetType().FullName);
            throw;
        }
    }

    private async Task<ActionRunState> WaitCoreAsync(
        ActionRunState? known, ActionRunWaitOptions options, IProgress<ActionRunProgress>? progress, WaitStats stats, CancellationToken cancellationToken)
    {

        var time = runtime.Time;
        var scheduler = runtime.Scheduler;
        var started = time.GetUtcNow();
        var deadline = started + options.Timeout;
        var pollTimeout = options.EffectivePollTimeout;
        var schedule = new Backoff(options.InitialDelay, options.Multiplier, options.MaxDelay, options.Jitter);
        var gate = new BudgetGate(scheduler, runtime.Budget);
        var last = known;
        var polls = 0;
        var withoutStatus = 0;
        var sleep = TimeSpan.Zero;
        DateTimeOffset? lastPoll = null;
        DateTimeOffset? notBefore = null;
        Exception? lastError = null;

        while (true)
        {
            var now = time.GetUtcNow();
            var due = now + schedule.Delay(polls);
            if (lastError is not null && now + Backoff.AfterFailure(sleep, FirstBackoff, options.MaxDelay) is var backedOff && due < backedOff)
            {
                due = backedOff; // failed polls in a row back off, whatever the schedule says
            }

            if (lastPoll is { } previous && due < previous + options.MinimumInterval)
            {
                due = previous + options.MinimumInterval;
            }

            if (notBefore is { } hint && due < hint)
            {
                due = hint;
            }

            sleep = due - now; // before the deadline clips it: the next failed poll doubles this
            var final = due >= deadline;
            if (final)
            {
                due = deadline; // never sleep past the deadline: the last sleep is clipped and one last poll follows
            }

            progress?.Report(new ActionRunProgress(id, last?.Status?.Value, polls, due - now, now - started));
            runtime.Log.WaitPoll(id, last?.Status?.Value ?? lastError?.GetType().Name ?? "not polled", polls, due - now, final ? " (last, at the deadline)" : string.Empty);
            await scheduler.DelayUntilAsync(due, cancellationToken).ConfigureAwait(false);
            var queued = time.GetTimestamp();
            var lease = final ? null : await gate.AcquireAsync(deadline, run.ZapierAdapter?.User?.Key, cancellationToken).ConfigureAwait(false);
            stats.BudgetWait += time.GetElapsedTime(queued);
            if (lease is null)
            {
                // The last poll happens at the deadline even if the default budget or a server hint would push it
                // later (one permit overdrawn at most); a limiter of the caller's that refuses is obeyed.
                final = true;
                lease = runtime.Budget.AttemptAcquire(1);
                if (!lease.IsAcquired && runtime.Budget is not SchedulerRateLimiter)
                {
                    lease.Dispose();
                    throw new ActionRunTimeoutException(id, last, polls, time.GetUtcNow() - started, lastError);
                }
            }

            polls++;
            stats.Polls = polls;
            lastPoll = time.GetUtcNow();
            notBefore = null;
            try
            {
                last = await PollOnceAsync(slotTaken: true, pollTimeout, cancellationToken).ConfigureAwait(false);
                lastError = null;
            }
            catch (ZapierApiException e) when (OutcomeClassifier.Classify(e) == OutcomeKind.Transient)
            {
                lastError = e;
                notBefore = ServerHints.NotBefore(e.Header, time.GetUtcNow());
                if (notBefore is { } until)
                {
                    scheduler.HoldUntil(until);
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested
                                       && e is ZapierNetworkException or ZapierTimeoutException or OperationCanceledException)
            {
                lastError = e; // connection reset or refused, or this poll timed out: the next poll may work
            }
            finally
            {
                lease.Dispose();
            }

            if (lastError is not null)
            {
                runtime.Log.PollFailed(id, polls, lastError is ZapierApiException api ? api.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : lastError.GetType().Name);
            }

            if (lastError is null)
            {
                if (last!.Status is null)
                {
                    if (++withoutStatus >= MaxPollsWithoutStatus)
                    {
                        throw new ZapierProtocolException(
                            $"Action run {id} was retrieved {withoutStatus} times in a row without a status; the wait stops rather than guess.");
                    }
                }
                else
                {
                    withoutStatus = 0;
                    if (last.HasEnded)
                    {
                        return last;
                    }
                }

                notBefore = ThrottledUntil(last);
            }

            // A poll still in flight when the deadline passed is the last one: no poll starts after the deadline.
            if (final || time.GetUtcNow() >= deadline)
            {
                throw new ActionRunTimeoutException(id, last, polls, time.GetUtcNow() - started, lastError);
            }
        }
    }

    private static ActionRunState Finish(ActionRunState state, ActionRunWaitOptions options) =>
        options.ThrowOnError && state.Status is { IsError: true } ? throw new ActionRunFailedException(state) : state;

    /// <summary>A partner that throttled the action says in its error's delay how many seconds to wait.</summary>
    private static DateTimeOffset? ThrottledUntil(ActionRunState state)
    {
        var seconds = state.Errors.Where(e => e.Code is Generated.Models.CodeEnum.Throttled or Generated.Models.CodeEnum.SystemThrottled)
            .Select(e => e.Delay ?? 0).DefaultIfEmpty(0).Max();
        return seconds > 0 ? state.ObservedAt + TimeSpan.FromSeconds(seconds) : null;
    }

    /// <summary>What a wait reports in its span and metrics.</summary>
    private sealed class WaitStats
    {
        public int Polls { get; set; }

        public TimeSpan BudgetWait { get; set; }
    }
}
