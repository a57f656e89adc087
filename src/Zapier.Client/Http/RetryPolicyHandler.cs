using Polly;
using Zapier.Client.Resilience;

namespace Zapier.Client.Http;

/// <summary>
/// Runs each request through its Polly retry pipeline (<see cref="CallResilience"/>): attempts go down the rest of
/// the pipeline, and Polly decides, with the client's classification and backoff, whether and when to send again. A
/// request whose settings allow no retry goes straight through.
/// </summary>
internal sealed class RetryPolicyHandler(CallResilience resilience, ZapierRetryOptions defaults) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if ((ZapierCallContext.Of(request)?.Retry ?? defaults).MaxRetries == 0)
        {
            return base.SendAsync(request, cancellationToken);
        }

        return RetryAsync(request, cancellationToken);
    }

    private async Task<HttpResponseMessage> RetryAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(CallResilience.RequestKey, request);
        try
        {
            var outcome = await resilience.For(request).ExecuteOutcomeAsync(
                static async (ctx, state) =>
                {
                    try
                    {
                        return Outcome.FromResult(await state.Handler.SendAttemptAsync(state.Request, ctx.CancellationToken).ConfigureAwait(false));
                    }
                    catch (Exception e)
                    {
                        return Outcome.FromException<HttpResponseMessage>(e);
                    }
                },
                context,
                (Handler: this, Request: request)).ConfigureAwait(false);
            outcome.ThrowIfException();
            return outcome.Result!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> SendAttemptAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
