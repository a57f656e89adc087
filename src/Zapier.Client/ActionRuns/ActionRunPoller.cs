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
    /// <summary>Whose run this is: the budget lane of the user view it was made through (null for the client itself).</summary>
    private readonly object? _lane = run.ZapierAdapter?.User?.Key;

    private const int MaxPollsWithoutStatus = 3;

    /// <summary>The least delay after a first failed poll, so a zero schedule still backs off.</summary>
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);

    // The wait owns the delays between its polls; the HTTP layer must not add retries (and sleeps) of its own.
    private static readonly ZapierRetryOptions NoRetries = new() { MaxRetries = 0 };

    public async Task<ActionRunState> PollOnceAsync(bool slotTaken, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = timeout is { } limit ? new CancellationTokenSource(limit, runtime.Time) : null;
        using var linked = timeoutSource is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        var info = new ZapierResponseInfo();
        var response = await run.GetAsync(
            c =>
            {
                c.Options.Add(info);
                if (slotTaken)
                {
                    c.Options.Add(new ZapierCallContext { BudgetPermitTaken = true, Retry = NoRetries });
                }
            },
            linked?.Token ?? cancellationToken).ConfigureAwait(false);
        return new ActionRunState(id, response, RawStatus(response?.Data), runtime.Time.GetUtcNow(), info);
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

    /// <summary>
    /// Waits as described on the type, inside the wait's span and metrics, and records what it saw on
    /// <paramref name="run"/>. With a completion channel the wait also listens for the run's callback, which ends a
    /// sleep at once; when <paramref name="callbackExpected"/>, polls come only every
    /// <see cref="ActionRunWaitOptions.SafetyPollInterval"/> (a lost callback still ends the wait). One state machine
    /// per wait: a pending wait's memory is most of what many concurrent waits cost.
    /// </summary>
    public async Task<ActionRunState> WaitAsync(
        ActionRun run, ActionRunWaitOptions options, IProgress<ActionRunProgress>? progress, bool callbackExpected, CancellationToken cancellationToken)
    {
        options.Validate();
        var last = run.LastState;
        if (last is not null && options.Ends(last))
        {
            return Finish(last, options);
        }

        var time = runtime.Time;
        var scheduler = runtime.Scheduler;
        var startedAt = time.GetTimestamp();
        var started = time.GetUtcNow();
        var deadline = started + options.Timeout;
        var schedule = runtime.Completions is not null && callbackExpected
            ? new Backoff(options.SafetyPollInterval, 1, options.SafetyPollInterval, options.Jitter)
            : NormalSchedule(options);
        var polls = 0;
        var withoutStatus = 0;
        var sleep = TimeSpan.Zero;
        var budgetWait = TimeSpan.Zero;
        DateTimeOffset? lastPoll = null;
        DateTimeOffset? notBefore = null;
        Exception? lastError = null;
        ActionRunState? ended;
        // Null again once a callback that does not end this wait arrived: it comes once, and the hub has let go of a
        // listener it handed a completion to, so stopping it is not needed. Sleeps go on without it.
        var listener = runtime.Completions is not null ? new ActionRunCompletionHub.Listener() : null;
        var activity = ZapierTelemetry.StartWait(id);
        try
        {
            if (listener is not null)
            {
                runtime.Completions!.Listen(listener, id);
            }

            while (true)
            {
                if ((ended = FromCallback(ref listener, ref schedule, options, callbackExpected, last)) is not null)
                {
                    break; // the callback came before the wait or during its sleep
                }

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
                await scheduler.DelayUntilAsync(due, listener, cancellationToken).ConfigureAwait(false);
                var listening = listener is not null; // not kept across an await: the wait's state machine stays as small
                if ((ended = FromCallback(ref listener, ref schedule, options, callbackExpected, last)) is not null)
                {
                    break;
                }

                if (listening && listener is null)
                {
                    continue; // woken by a callback this wait goes on after: sleep on the normal schedule, do not poll now
                }

                var queued = time.GetTimestamp();
                var lease = final ? null : await runtime.Gate.AcquireAsync(deadline, _lane, cancellationToken).ConfigureAwait(false);
                budgetWait += time.GetElapsedTime(queued);
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
                lastPoll = time.GetUtcNow();
                notBefore = null;
                try
                {
                    last = await PollOnceAsync(slotTaken: true, options.EffectivePollTimeout, cancellationToken).ConfigureAwait(false);
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
                else if (last!.Status is null)
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
                    if (options.Ends(last))
                    {
                        ended = last;
                        break;
                    }

                    notBefore = ThrottledUntil(last);
                }

                if ((ended = FromCallback(ref listener, ref schedule, options, callbackExpected, last)) is not null)
                {
                    break; // the callback came while the poll was in flight
                }

                // A poll still in flight when the deadline passed is the last one: no poll starts after the deadline.
                if (final || time.GetUtcNow() >= deadline)
                {
                    throw new ActionRunTimeoutException(id, last, polls, time.GetUtcNow() - started, lastError);
                }
            }
        }
        catch (Exception e)
        {
            var elapsed = time.GetElapsedTime(startedAt);
            var outcome = e switch
            {
                ActionRunTimeoutException => "timeout",
                OperationCanceledException => "canceled",
                _ => "failed",
            };
            if (e is ActionRunTimeoutException timeout)
            {
                runtime.Log.WaitTimedOut(id, polls, elapsed, timeout.LastState?.Status?.Value ?? "unknown");
                run.LastState = timeout.LastState ?? run.LastState;
            }

            ZapierTelemetry.EndWait(activity, outcome, (e as ActionRunTimeoutException)?.LastState?.Status?.Value, polls, elapsed, budgetWait, e.GetType().FullName, endedBy: null);
            throw;
        }
        finally
        {
            if (listener is not null)
            {
                runtime.Completions!.Stop(listener, id);
            }
        }

        var took = time.GetElapsedTime(startedAt);
        var status = ended!.Status!.Value;
        var byCallback = !ReferenceEquals(ended, last); // a poll's answer is kept as last; a callback's state is new
        if (byCallback)
        {
            runtime.Log.WaitEndedByCallback(id, status.Value, polls, took);
        }
        else
        {
            runtime.Log.WaitEnded(id, status.Value, polls, took);
        }

        ZapierTelemetry.EndWait(activity, status.IsSuccess ? "success" : status.IsError ? "error" : "unknown", status.Value, polls, took, budgetWait, null, byCallback ? "callback" : "poll");
        run.LastState = ended;
        return Finish(ended, options);
    }

    /// <summary>
    /// The state the run's callback reported, once it arrived, if this waiter may see it and its status ends this wait.
    /// Callbacks are matched by run id alone; through a user's view, a run the view did not start is trusted only after
    /// one of its own polls (with the user's token) showed the user may read it: another user's run must not end this
    /// wait with its results. A callback whose status this wait keeps waiting on (one of
    /// <see cref="ActionRunWaitOptions.InProgressStatuses"/>) does not end it: <paramref name="listener"/> is dropped (the
    /// callback will not come again, and a woken listener would end every later sleep at once) and the wait polls on
    /// its schedule without a callback.
    /// </summary>
    private ActionRunState? FromCallback(
        ref ActionRunCompletionHub.Listener? listener, ref Backoff schedule, ActionRunWaitOptions options, bool startedHere, ActionRunState? polled)
    {
        if (listener?.Completion is not { } completion || !(_lane is null || startedHere || polled is not null))
        {
            return null;
        }

        if (options.KeepsWaiting(completion.Status))
        {
            listener = null;
            schedule = NormalSchedule(options);
            return null;
        }

        return completion.ToState(runtime.Time.GetUtcNow());
    }

    /// <summary>The schedule of a wait that expects no callback.</summary>
    private static Backoff NormalSchedule(ActionRunWaitOptions options) =>
        new(options.InitialDelay, options.Multiplier, options.MaxDelay, options.Jitter);

    private static ActionRunState Finish(ActionRunState state, ActionRunWaitOptions options) =>
        options.ThrowOnError && state.Status is { IsError: true } ? throw new ActionRunFailedException(state) : state;

    /// <summary>A partner that throttled the action says in its error's delay how many seconds to wait.</summary>
    private static DateTimeOffset? ThrottledUntil(ActionRunState state)
    {
        var seconds = state.Errors.Where(e => e.Code is Generated.Models.CodeEnum.Throttled or Generated.Models.CodeEnum.SystemThrottled)
            .Select(e => e.Delay ?? 0).DefaultIfEmpty(0).Max();
        return seconds > 0 ? state.ObservedAt + TimeSpan.FromSeconds(seconds) : null;
    }
}
