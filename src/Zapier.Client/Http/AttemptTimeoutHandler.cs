using Polly;
using Polly.Timeout;

namespace Zapier.Client.Http;

/// <summary>Gives each attempt its own time limit (after its budget wait), and names the failure as an attempt timeout.</summary>
internal sealed class AttemptTimeoutHandler(ResiliencePipeline pipeline, ZapierRetryOptions defaults) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var limit = ResiliencePipelines.SettingsFor(request, defaults).AttemptTimeout;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(ResiliencePipelines.AttemptTimeoutKey, limit);
        try
        {
            return await pipeline.ExecuteAsync(
                static async (ctx, state) => await state.Handler.BaseSend(state.Request, ctx.CancellationToken).ConfigureAwait(false),
                context, (Handler: this, Request: request)).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException e)
        {
            throw new AttemptTimedOutException(limit, e);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> BaseSend(HttpRequestMessage request, CancellationToken cancellationToken) => base.SendAsync(request, cancellationToken);
}

/// <summary>One attempt ran out of time (the call may still be retried).</summary>
internal sealed class AttemptTimedOutException(TimeSpan limit, Exception inner)
    : TimeoutException($"The attempt timed out after {limit.TotalSeconds:0.#} s.", inner)
{
    public TimeSpan Limit { get; } = limit;
}
