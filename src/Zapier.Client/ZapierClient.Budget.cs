using Zapier.Client.Budget;

namespace Zapier.Client;

/// <summary>The request budget as the client sees it.</summary>
public partial class ZapierClient
{
    /// <summary>
    /// The client's request budget now: with the default budget, the requests it would still start within the next
    /// minute (<see cref="ZapierBudgetStatus.RemainingThisMinute"/>) and its next free slot; with a caller-supplied
    /// <see cref="ZapierClientOptions.RateLimiter"/>, what that limiter's statistics report. Both show the server's
    /// hold. Shared by every client of one registration; reading it sends nothing.
    /// </summary>
    public ZapierBudgetStatus Budget
    {
        get
        {
            if (Core.Budget is SchedulerRateLimiter own)
            {
                return own.Status();
            }

            var statistics = Core.Budget.GetStatistics();
            return new ZapierBudgetStatus
            {
                AvailableNow = statistics?.CurrentAvailablePermits,
                Queued = statistics?.CurrentQueuedCount,
                HeldUntil = Core.Scheduler.HeldUntil,
            };
        }
    }
}
