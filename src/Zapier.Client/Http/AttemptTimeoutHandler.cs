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
        using var attempt = TimeLimit.Start(time, limit, cancellationToken);
        try
        {
            return await base.SendAsync(request, attempt.Token(cancellationToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (attempt.Expired(cancellationToken))
        {
            throw new AttemptTimedOutException(limit, e);
        }
    }
}
