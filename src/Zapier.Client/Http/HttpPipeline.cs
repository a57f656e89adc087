using Microsoft.Kiota.Http.HttpClientLibrary;
using Zapier.Client.Serialization;

namespace Zapier.Client.Http;

/// <summary>
/// The client's HTTP pipeline, the same for <c>new ZapierClient(...)</c> and for clients from
/// <c>AddZapierClient</c> (where <c>IHttpClientFactory</c> owns the handlers' lifetimes). Outermost first:
/// <list type="number">
/// <item><see cref="UserTokenRenewalHandler"/>: a user's view renews a rejected token once on a 401 and sends again;</item>
/// <item><see cref="RetryPolicyHandler"/>: Polly retries with backoff on the client's clock (<see cref="Resilience.CallResilience"/>);</item>
/// <item><see cref="BudgetHandler"/>: a permit from the request budget for each attempt, after the server's hold;</item>
/// <item><see cref="AttemptTimeoutHandler"/>: each attempt's time limit, counted after its budget wait;</item>
/// <item><see cref="ServerHintsHandler"/>: Retry-After and X-RateLimit-* hold every request of the client;</item>
/// <item><see cref="ResponseCaptureHandler"/>: size cap, content-type guard, quotes of non-JSON error bodies;</item>
/// <item><see cref="RedirectHandler"/>: follows same-origin GET redirects, refuses every other;</item>
/// <item>the transport: <see cref="SocketsHttpHandler"/> without automatic redirects, or the caller's handler.</item>
/// </list>
/// </summary>
internal static class HttpPipeline
{
    /// <summary>Fresh handler instances over the core's shared state (the factory builds a chain per handler lifetime).</summary>
    public static IEnumerable<DelegatingHandler> Handlers(ZapierClientCore core)
    {
        yield return new UserTokenRenewalHandler();
        yield return new RetryPolicyHandler(core.Resilience, core.Options.Retry);
        yield return new BudgetHandler(core.Scheduler, core.Budget, core.Options.Retry);
        yield return new AttemptTimeoutHandler(core.Time, core.Options.Retry);
        yield return new ServerHintsHandler(core.Scheduler, core.Log, core.Options.OnServerHold);
        yield return new ResponseCaptureHandler(core.Options.MaxResponseBytes);
        yield return new RedirectHandler(core.BaseUrl);

        // None of Kiota's default handlers: its retry handler would retry POSTs and end in an AggregateException, its
        // redirect handler follows any origin; URI replacement and parameter-name decoding have nothing to do for this
        // schema (a test checks), the user agent is set on the client, and response headers for Kiota's
        // HeadersInspectionHandlerOption are copied by ServerHintsHandler.
    }

    /// <summary>The User-Agent the client sends: its own name and version, then Kiota's.</summary>
    public static void Identify(HttpClient client)
    {
        // Kept as raw text: a parsed value would be formatted again for every request.
        client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", $"Zapier.Client/{ZapierDiagnostics.Version} kiota-dotnet/{KiotaVersion}");
        client.Timeout = Timeout.InfiniteTimeSpan; // the call's deadline and each attempt's limit run on the client's clock
    }

    private static readonly string KiotaVersion =
        typeof(KiotaClientFactory).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "2";

    /// <summary>The transport the client uses when none is given: pooled connections that are renewed, no auto-redirect.</summary>
    public static HttpMessageHandler DefaultTransport() => new SocketsHttpHandler
    {
        AllowAutoRedirect = false, // redirects are the pipeline's decision (RedirectHandler)
        AutomaticDecompression = System.Net.DecompressionMethods.All,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5), // a long-lived client still sees DNS changes
    };

    /// <summary>
    /// Makes a .NET transport leave redirects to the pipeline: one that follows them itself would send a request to
    /// another origin before <see cref="RedirectHandler"/> could refuse it. Only possible before its first request.
    /// </summary>
    /// <exception cref="ArgumentException">The transport follows redirects and has been used already.</exception>
    public static void StopAutoRedirect(HttpMessageHandler transport)
    {
        try
        {
            switch (transport)
            {
                case SocketsHttpHandler { AllowAutoRedirect: true } sockets:
                    sockets.AllowAutoRedirect = false;
                    break;
                case HttpClientHandler { AllowAutoRedirect: true } client:
                    client.AllowAutoRedirect = false;
                    break;
            }
        }
        catch (InvalidOperationException e)
        {
            throw new ArgumentException(
                "The transport follows redirects (AllowAutoRedirect) and has sent requests already, so it cannot be changed; " +
                "give the client one with AllowAutoRedirect = false: the client follows same-origin redirects itself.", nameof(transport), e);
        }
    }

    /// <summary>An <see cref="HttpClient"/> with the whole pipeline over <paramref name="transport"/>.</summary>
    public static HttpClient Create(ZapierClientCore core, HttpMessageHandler transport, bool disposeTransport)
    {
        StopAutoRedirect(transport);
        HttpMessageHandler next = transport;
        foreach (var handler in Handlers(core).Reverse())
        {
            handler.InnerHandler = next;
            next = handler;
        }

        var client = new HttpClient(disposeTransport ? next : new KeepInner(next), disposeHandler: true);
        Identify(client);
        return client;
    }

    /// <summary>Leaves the chain below it, and so the caller's transport, undisposed (the pipeline's handlers hold nothing).</summary>
    private sealed class KeepInner(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override void Dispose(bool disposing)
        {
        }
    }
}
