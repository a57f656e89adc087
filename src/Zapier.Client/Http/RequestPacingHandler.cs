using Microsoft.Kiota.Abstractions;

namespace Zapier.Client.Http;

/// <summary>
/// Paces the client's requests: puts every attempt of every request through the shared scheduler (a retry first waits
/// out its backoff there) and budget, and tells the scheduler what the server said about
/// the next one (Retry-After, X-RateLimit-*). Requests whose slot was taken already (polls) carry
/// <see cref="PreacquiredSlotOption"/>.
/// </summary>
internal sealed class RequestPacingHandler(RequestScheduler scheduler) : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<IRequestOption> Preacquired = new(typeof(PreacquiredSlotOption).FullName!);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(ResiliencePipelines.NotBefore, out var retryAt))
        {
            await scheduler.DelayUntilAsync(retryAt, cancellationToken).ConfigureAwait(false); // a retry's backoff
        }

        if (!request.Options.TryGetValue(Preacquired, out _))
        {
            await scheduler.AcquireSlotAsync(cancellationToken).ConfigureAwait(false);
        }

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var headers = response.Headers.Concat(response.Content.Headers);
        if (ServerHints.NotBefore(ServerHints.From(headers), scheduler.Time.GetUtcNow()) is { } notBefore)
        {
            scheduler.HoldUntil(notBefore);
        }

        return response;
    }
}

/// <summary>Marks a request whose budget slot its sender already took from the scheduler.</summary>
internal sealed class PreacquiredSlotOption : IRequestOption;
