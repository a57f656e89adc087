namespace Zapier.Client.Errors;

/// <summary>
/// The request was not sent: the client's own request budget refused it and its retries (a
/// <see cref="ZapierClientOptions.RateLimiter"/> that rejects instead of queueing), or Zapier asked the whole client
/// (Retry-After, exhausted X-RateLimit-*) to wait longer than <see cref="ZapierRetryOptions.MaxRetryAfter"/>.
/// </summary>
public sealed class ZapierBudgetException : ZapierException
{
    internal ZapierBudgetException(string method, string path, TimeSpan? retryAfter, bool byServer, Exception inner)
        : base($"Zapier API request {method} {path} was not sent: " +
               (byServer ? "Zapier asked this client to send nothing more for now" : "the client's request budget had no permit") +
               (retryAfter is { } after ? $" (try again in {after.TotalSeconds:0.#} s)." : "."), inner)
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
