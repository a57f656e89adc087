namespace Zapier.Client.Errors;

/// <summary>
/// The client's own request budget refused the request and its retries (a <see cref="ZapierClientOptions.RateLimiter"/>
/// that rejects instead of queueing): nothing was sent to Zapier.
/// </summary>
public sealed class ZapierBudgetException : ZapierException
{
    internal ZapierBudgetException(string method, string path, TimeSpan? retryAfter, Exception inner)
        : base($"Zapier API request {method} {path} was not sent: the client's request budget had no permit" +
               (retryAfter is { } after ? $" (the next in {after.TotalSeconds:0.#} s)." : "."), inner)
    {
        Method = method;
        Path = path;
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP method of the request.</summary>
    public string Method { get; }

    /// <summary>The request's path (without the query string).</summary>
    public string Path { get; }

    /// <summary>When the budget expects a permit to be free, if it said.</summary>
    public TimeSpan? RetryAfter { get; }
}
