using Microsoft.Kiota.Http.HttpClientLibrary;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware;
using Zapier.Client.Serialization;

namespace Zapier.Client.Http;

/// <summary>Builds the HTTP pipeline a <see cref="ZapierClient"/> owns when it is not handed an <see cref="HttpClient"/>.</summary>
internal static class HttpPipeline
{
    /// <summary>
    /// Outermost first: Polly retry and total timeout for the call; the shared scheduler and budget for each attempt
    /// (retry backoffs wait there too); the attempt timeout; the response guard (size cap, content types, error
    /// snapshots); then Kiota's default handlers without its <see cref="RetryHandler"/>, which would retry POSTs
    /// (running an action twice), ignore the date form of Retry-After and end in an AggregateException. Kiota's
    /// redirect handler stays: it drops Authorization when scheme, host or port change.
    /// </summary>
    public static HttpClient Create(ZapierClientOptions options, RequestScheduler scheduler, ILogger logger)
    {
        DelegatingHandler[] handlers =
        [
            new ResilienceHandler(ResiliencePipelines.Call(options.Retry, options.RequestTimeout, options.TimeProvider, logger)),
            new RequestPacingHandler(scheduler),
            new AttemptTimeoutHandler(ResiliencePipelines.Attempt(options.TimeProvider), options.Retry),
            new ResponseCaptureHandler(options.MaxResponseBytes),
            .. KiotaClientFactory.CreateDefaultHandlers().Where(h => h is not RetryHandler),
        ];
        var first = KiotaClientFactory.ChainHandlersCollectionAndGetFirstLink(KiotaClientFactory.GetDefaultHttpMessageHandler(), handlers);
        return new HttpClient(first!) { Timeout = Timeout.InfiniteTimeSpan }; // the Polly timeouts, on the client's clock, apply
    }
}
