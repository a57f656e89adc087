using Zapier.Client.Resilience;

namespace Zapier.Client.Http;

/// <summary>
/// Gives each attempt <see cref="ZapierRetryOptions.AttemptTimeout"/> on the client's clock, counted after its wait
/// for the budget, and names the failure <see cref="AttemptTimedOutException"/> so the retry policy can tell it from
/// the caller's cancellation.
/// </summary>
internal sealed class AttemptTimeoutHandler(TimeProvider time, ZapierRetryOptions defaults) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var limit = (ZapierCallContext.Of(request)?.Retry ?? defaults).AttemptTimeout;
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var timer = time == TimeProvider.System ? null : time.CreateTimer(static s => ((CancellationTokenSource)s!).Cancel(), attempt, limit, Timeout.InfiniteTimeSpan);
        if (timer is null)
        {
            attempt.CancelAfter(limit);
        }

        try
        {
            return await base.SendAsync(request, attempt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (attempt.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new AttemptTimedOutException(limit, e);
        }
    }
}
