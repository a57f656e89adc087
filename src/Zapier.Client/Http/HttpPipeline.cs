using Microsoft.Extensions.Http.Resilience;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware;
using Zapier.Client.Serialization;

namespace Zapier.Client.Http;

/// <summary>
/// The client's HTTP pipeline, the same for <c>new ZapierClient(...)</c> and for clients from
/// <c>AddZapierClient</c> (where <c>IHttpClientFactory</c> owns the handlers' lifetimes). Outermost first:
/// <list type="number">
/// <item>resilience (Polly): retries with backoff on the client's clock, then a permit from the request budget for
/// each attempt (<see cref="Resilience.CallResilience"/>);</item>
/// <item><see cref="AttemptTimeoutHandler"/>: each attempt's time limit, counted after its budget wait;</item>
/// <item><see cref="ServerHintsHandler"/>: Retry-After and X-RateLimit-* hold every request of the client;</item>
/// <item><see cref="ResponseCaptureHandler"/>: size cap, content-type guard, quotes of non-JSON error bodies;</item>
/// <item>Kiota's default handlers without its retry handler (which would retry POSTs and end in an
/// AggregateException): URI replacement, redirect (followed only for same-origin GETs, as
/// <see cref="RedirectGuardHandler"/> just inside it decides), parameter-name decoding, user agent, header and body
/// inspection;</item>
/// <item>the transport: <see cref="SocketsHttpHandler"/> without automatic redirects, or the caller's handler.</item>
/// </list>
/// </summary>
internal static class HttpPipeline
{
    /// <summary>Fresh handler instances over the core's shared state (the factory builds a chain per handler lifetime).</summary>
    public static IEnumerable<DelegatingHandler> Handlers(ZapierClientCore core)
    {
        yield return new ResilienceHandler(core.Resilience.For);
        yield return new AttemptTimeoutHandler(core.Time, core.Options.Retry);
        yield return new ServerHintsHandler(core.Scheduler, core.Log);
        yield return new ResponseCaptureHandler(core.Options.MaxResponseBytes);
        foreach (var handler in KiotaClientFactory.CreateDefaultHandlers())
        {
            if (handler is RetryHandler)
            {
                continue;
            }

            yield return handler;
            if (handler is RedirectHandler)
            {
                yield return new RedirectGuardHandler(core.BaseUrl); // sees each redirect before Kiota may follow it
            }
        }
    }

    /// <summary>The transport the client uses when none is given: pooled connections that are renewed, no auto-redirect.</summary>
    public static HttpMessageHandler DefaultTransport() => new SocketsHttpHandler
    {
        AllowAutoRedirect = false, // redirects are the pipeline's decision (RedirectGuardHandler)
        AutomaticDecompression = System.Net.DecompressionMethods.All,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5), // a long-lived client still sees DNS changes
    };

    /// <summary>An <see cref="HttpClient"/> with the whole pipeline over <paramref name="transport"/>.</summary>
    public static HttpClient Create(ZapierClientCore core, HttpMessageHandler transport, bool disposeTransport)
    {
        HttpMessageHandler next = transport;
        foreach (var handler in Handlers(core).Reverse())
        {
            handler.InnerHandler = next;
            next = handler;
        }

        // The call's deadline and each attempt's limit run on the client's clock; HttpClient's own timer must not fire first.
        return new HttpClient(disposeTransport ? next : new KeepInner(next), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Leaves the chain below it, and so the caller's transport, undisposed (the pipeline's handlers hold nothing).</summary>
    private sealed class KeepInner(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override void Dispose(bool disposing)
        {
        }
    }
}
