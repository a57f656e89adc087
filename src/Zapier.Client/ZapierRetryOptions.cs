using Microsoft.Kiota.Abstractions;

namespace Zapier.Client;

/// <summary>
/// How a request is retried. Safe methods (GET, HEAD, OPTIONS) are retried after 408, 429, 500, 502, 503, 504, a
/// network failure or an attempt timeout. Other methods (POST, PUT, DELETE) are retried only when the request provably was not processed:
/// after a 429 or when the connection was refused before anything was sent; never after a 5xx, a reset or a timeout.
/// Set per client in <see cref="ZapierClientOptions.Retry"/>, or per request by adding an instance to the request's
/// options: <c>GetAsync(c => c.Options.Add(new ZapierRetryOptions { MaxRetries = 0 }))</c>.
/// </summary>
public sealed record ZapierRetryOptions : IRequestOption
{
    /// <summary>Retries after the first attempt; 0 turns retrying off.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>First backoff delay; each retry doubles it (with ±25 % jitter) up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of a backoff delay (a server's Retry-After can ask for more, up to <see cref="MaxRetryAfter"/>).</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A Retry-After longer than this is not waited for: the 429 or 503 reaches the caller with its RetryAfter.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Time allowed for one attempt, excluding waits for the request budget.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The defaults.</summary>
    public static ZapierRetryOptions Default { get; } = new();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetries, nameof(MaxRetries));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxRetries, 20, nameof(MaxRetries));
        ArgumentOutOfRangeException.ThrowIfLessThan(BaseDelay, TimeSpan.Zero, nameof(BaseDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDelay, BaseDelay, nameof(MaxDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetryAfter, TimeSpan.Zero, nameof(MaxRetryAfter));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(AttemptTimeout, TimeSpan.Zero, nameof(AttemptTimeout));
    }
}
