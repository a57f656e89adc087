using Microsoft.Extensions.Logging;
using Zapier.Client.Errors;
using Zapier.Client.Generated.V2.ActionRuns.Item;
using Zapier.Client.Http;

namespace Zapier.Client.ActionRuns;

/// <summary>
/// Waits on one action run: polls through the client's shared scheduler until the status leaves the in-progress
/// values, with growing delays, server hints as floors, a deadline with one last poll at it, and transient failures
/// of single polls ridden out.
/// </summary>
internal sealed class ActionRunPoller(ActionRunsItemRequestBuilder run, SharedClientServices runtime, string id)
{
    private const int MaxPollsWithoutStatus = 3;

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
                    c.Options.Add(new PreacquiredSlotOption());
                    c.Options.Add(NoRetries);
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

    public async Task<ActionRunState> WaitAsync(
        ActionRunState? known, ActionRunWaitOptions options, IProgress<ActionRunProgress>? progress, CancellationToken cancellationToken)
    {
        options.Validate();
        if (known is { HasEnded: true })
        {
            return Finish(known, options);
        }

        var time = runtime.Time;
        var scheduler = runtime.Scheduler;
        var started = time.GetUtcNow();
        var deadline = started + options.Timeout;
        var delay = options.InitialDelay;
        var last = known;
        var polls = 0;
        var withoutStatus = 0;
        DateTimeOffset? lastPoll = null;
        DateTimeOffset? notBefore = null;
        Exception? lastError = null;

        while (true)
        {
            var now = time.GetUtcNow();
            var due = now + Jittered(delay, options.Jitter);
            if (lastPoll is { } previous && due < previous + options.MinimumInterval)
            {
                due = previous + options.MinimumInterval;
            }

            if (notBefore is { } hint && due < hint)
            {
                due = hint;
            }

            var final = due >= deadline;
            if (final)
            {
                due = deadline; // never sleep past the deadline: the last sleep is clipped and one last poll follows
            }

            progress?.Report(new ActionRunProgress(id, last?.Status?.Value, polls, due - now, now - started));
            runtime.Logger.LogDebug(
                "Action run {RunId}: {Status} after {Polls} polls; next poll in {Delay}{Final}",
                id, last?.Status?.Value ?? lastError?.GetType().Name ?? "not polled", polls, due - now, final ? " (last, at the deadline)" : string.Empty);
            await scheduler.DelayUntilAsync(due, cancellationToken).ConfigureAwait(false);
            if (!final)
            {
                await scheduler.AcquireSlotAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // The last poll happens at the deadline even if the budget or a server hint would push it later.
                scheduler.TryAcquireSlotNow();
            }

            polls++;
            lastPoll = time.GetUtcNow();
            notBefore = null;
            try
            {
                last = await PollOnceAsync(slotTaken: true, options.PollTimeout, cancellationToken).ConfigureAwait(false);
                lastError = null;
            }
            catch (ZapierApiException e) when (IsTransient(e.StatusCode))
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
                        return Finish(last, options);
                    }
                }

                notBefore = ThrottledUntil(last);
            }

            if (final)
            {
                throw new ActionRunTimeoutException(id, last, polls, time.GetUtcNow() - started, lastError);
            }

            delay = TimeSpan.FromTicks((long)Math.Min(delay.Ticks * options.Multiplier, options.MaxDelay.Ticks));
        }
    }

    /// <summary>429, 408 and 5xx fail one poll, not the wait; other statuses (400, 401, 403, 404, 409, ...) end it.</summary>
    internal static bool IsTransient(int status) => status is 408 or 429 || status >= 500;

    private static ActionRunState Finish(ActionRunState state, ActionRunWaitOptions options) =>
        options.ThrowOnError && state.Status is { IsError: true } ? throw new ActionRunFailedException(state) : state;

    /// <summary>A partner that throttled the action says in its error's delay how many seconds to wait.</summary>
    private static DateTimeOffset? ThrottledUntil(ActionRunState state)
    {
        var seconds = state.Errors.Where(e => e.Code is Generated.Models.CodeEnum.Throttled or Generated.Models.CodeEnum.SystemThrottled)
            .Select(e => e.Delay ?? 0).DefaultIfEmpty(0).Max();
        return seconds > 0 ? state.ObservedAt + TimeSpan.FromSeconds(seconds) : null;
    }

    private static TimeSpan Jittered(TimeSpan delay, double jitter) =>
        jitter == 0 ? delay : TimeSpan.FromTicks((long)(delay.Ticks * (1 + (((Random.Shared.NextDouble() * 2) - 1) * jitter))));
}
