using System.Threading.RateLimiting;
using Zapier.Client.Budget;
using Zapier.Client.Resilience;
using Zapier.Client.Telemetry;

namespace Zapier.Client.Http;

/// <summary>
/// Takes a permit from the client's request budget for each attempt (after the server's hold), inside the retry
/// policy and outside the attempt's time limit, so waiting for the budget never counts as an attempt timing out. An
/// attempt whose sender already holds a permit (an action-run poll) goes straight through. A permit free right now
/// costs no allocation.
/// </summary>
internal sealed class BudgetHandler(RequestScheduler scheduler, RateLimiter budget, ZapierRetryOptions defaults) : DelegatingHandler
{
    private readonly BudgetGate _gate = new(scheduler, budget);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var call = ZapierCallContext.Of(request);
        if (call is { BudgetPermitTaken: true })
        {
            call.BudgetPermitTaken = false; // good for the first attempt only
            return base.SendAsync(request, cancellationToken);
        }

        if (budget is SchedulerRateLimiter && budget.AttemptAcquire(1).IsAcquired) // the default's granted lease is shared and free
        {
            ZapierTelemetry.BudgetWaited(TimeSpan.Zero, call?.Operation);
            return base.SendAsync(request, cancellationToken);
        }

        return WaitThenSendAsync(request, call, cancellationToken);
    }

    private async Task<HttpResponseMessage> WaitThenSendAsync(HttpRequestMessage request, ZapierCallContext? call, CancellationToken cancellationToken)
    {
        // A server hold longer than the call would wait for a retry's hint fails the call now, naming the wait, instead
        // of timing it out with nothing sent.
        var limit = (call?.Retry ?? defaults).MaxRetryAfter;
        if (scheduler.HeldUntil is { } held && held - scheduler.Time.GetUtcNow() is var hold && hold > limit)
        {
            throw new BudgetRefusedException(hold, byServer: true);
        }

        var started = scheduler.Time.GetTimestamp();
        using var lease = (await _gate.AcquireAsync(giveUpAt: null, call?.User?.Key, cancellationToken).ConfigureAwait(false))!;
        var waited = scheduler.Time.GetElapsedTime(started);
        if (call is not null)
        {
            call.BudgetWait += waited;
        }

        ZapierTelemetry.BudgetWaited(waited, call?.Operation);
        if (!lease.IsAcquired)
        {
            throw new BudgetRefusedException(lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : null);
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
