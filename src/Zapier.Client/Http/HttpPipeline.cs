using Microsoft.Kiota.Http.HttpClientLibrary;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware;

namespace Zapier.Client.Http;

/// <summary>Builds the HTTP pipeline a <see cref="ZapierClient"/> owns when it is not handed an <see cref="HttpClient"/>.</summary>
internal static class HttpPipeline
{
    /// <summary>
    /// The shared request budget, then Kiota's default handlers without its <see cref="RetryHandler"/>: that handler retries POSTs (a create call could
    /// run twice), ignores the date form of Retry-After and ends in an AggregateException. Redirects keep Kiota's
    /// handler, which drops Authorization when scheme, host or port change.
    /// </summary>
    public static HttpClient Create(TimeSpan timeout, RequestScheduler scheduler)
    {
        // The budget goes first, so each call counts once whatever the handlers after it do.
        DelegatingHandler[] handlers = [new RequestBudgetHandler(scheduler), .. KiotaClientFactory.CreateDefaultHandlers().Where(h => h is not RetryHandler)];
        var first = KiotaClientFactory.ChainHandlersCollectionAndGetFirstLink(KiotaClientFactory.GetDefaultHttpMessageHandler(), handlers);
        return new HttpClient(first!) { Timeout = timeout };
    }
}
