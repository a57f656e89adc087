using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;
using Zapier.Client.Budget;
using Zapier.Client.Resilience;
using Zapier.Client.Telemetry;

namespace Zapier.Client.Http;

/// <summary>
/// Applies what each response says about the next request to the whole client (Retry-After, exhausted
/// X-RateLimit-*: no request of the client goes before then) and records the response: in the call's context, and in
/// Kiota's <see cref="HeadersInspectionHandlerOption"/> when the caller asked for the response headers. A hold that
/// starts or extends the client's is also passed to <see cref="ZapierClientOptions.OnServerHold"/>.
/// </summary>
internal sealed class ServerHintsHandler(RequestScheduler scheduler, ZapierLog log, Action<DateTimeOffset>? onHold = null) : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<Microsoft.Kiota.Abstractions.IRequestOption> Inspection = new(typeof(HeadersInspectionHandlerOption).FullName!);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var call = ZapierCallContext.Of(request);
        if (call is not null)
        {
            call.Attempts++;
            call.Status = null; // what an earlier attempt saw must not describe this one
            call.Response = null;
            call.Snippet = null;
            call.Body = null;
        }

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (call is not null)
        {
            call.Status = (int)response.StatusCode;
            call.Response = response;
        }

        if (request.Options.TryGetValue(Inspection, out var option) && option is HeadersInspectionHandlerOption { InspectResponseHeaders: true } inspect)
        {
            foreach (var (name, values) in response.Headers)
            {
                inspect.ResponseHeaders[name] = [.. values];
            }

            foreach (var (name, values) in response.Content.Headers)
            {
                inspect.ResponseHeaders[name] = [.. values];
            }
        }

        if (response.StatusCode == System.Net.HttpStatusCode.TooManyRequests)
        {
            ZapierTelemetry.RateLimited(call?.Operation);
        }

        if (ServerHints.NotBefore(response, scheduler.Time.GetUtcNow()) is { } notBefore && notBefore > scheduler.Time.GetUtcNow())
        {
            if (scheduler.HeldUntil is not { } held || notBefore > held)
            {
                log.ServerHold(request.Method.Method, call?.Operation?.PathTemplate ?? "?", (int)response.StatusCode, notBefore);
                try
                {
                    onHold?.Invoke(notBefore);
                }
                catch (Exception)
                {
                    // A sharing hook must not turn an answered request into a failure; the local hold below still applies.
                }
            }

            scheduler.HoldUntil(notBefore);
        }

        return response;
    }
}
