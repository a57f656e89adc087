using System.Threading.RateLimiting;

namespace Zapier.Client.Budget;

/// <summary>
/// The one way a request gets going: wait for the server's hold to pass, then take a permit from the budget (the
/// default <see cref="SchedulerRateLimiter"/> or the caller's <see cref="RateLimiter"/>). HTTP attempts wait as long as
/// it takes; an action-run poll gives up at its wait's deadline.
/// </summary>
internal sealed class BudgetGate(RequestScheduler scheduler, RateLimiter budget)
{
    /// <summary>A permit; null when <paramref name="giveUpAt"/> came first (nothing was taken then).</summary>
    /// <param name="giveUpAt">When to stop waiting (a poll's deadline); null to wait as long as it takes.</param>
    /// <param name="lane">The user the request is for: the default budget serves waiting users in turn.</param>
    /// <param name="cancellationToken">Gives up the wait.</param>
    public async ValueTask<RateLimitLease?> AcquireAsync(DateTimeOffset? giveUpAt, object? lane, CancellationToken cancellationToken)
    {
        if (budget is SchedulerRateLimiter limiter)
        {
            // The default budget's slots already respect the server's hold: one queued wait, which gives up by itself.
            if (giveUpAt is not { } limit)
            {
                return lane is null
                    ? await budget.AcquireAsync(1, cancellationToken).ConfigureAwait(false)
                    : await limiter.AcquireAsync(lane, cancellationToken).ConfigureAwait(false);
            }

            return await scheduler.AcquireSlotBeforeAsync(limit, lane, cancellationToken).ConfigureAwait(false) ? budget.AttemptAcquire(0) : null;
        }

        if (scheduler.HeldUntil is { } held)
        {
            await scheduler.DelayUntilAsync(giveUpAt is { } g && g < held ? g : held, cancellationToken).ConfigureAwait(false);
        }

        if (giveUpAt is not { } deadline)
        {
            return await budget.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        }

        // A poll: keep asking a limiter that refuses (after the time it names, at least a second) until the deadline.
        while (true)
        {
            var now = scheduler.Time.GetUtcNow();
            if (now >= deadline)
            {
                return null;
            }

            RateLimitLease lease;
            using (var limited = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            using (scheduler.CreateTimer(Http.TimeLimit.CancelQuietly, limited, deadline - now, Timeout.InfiniteTimeSpan))
            {
                try
                {
                    lease = await budget.AcquireAsync(1, limited.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return null;
                }
            }

            if (lease.IsAcquired)
            {
                return lease;
            }

            var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > MinimumRetry ? after : MinimumRetry;
            lease.Dispose();
            var next = scheduler.Time.GetUtcNow() + retryAfter;
            await scheduler.DelayUntilAsync(next < deadline ? next : deadline, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The least wait before asking a refusing limiter again.</summary>
    private static readonly TimeSpan MinimumRetry = TimeSpan.FromSeconds(1);
}
