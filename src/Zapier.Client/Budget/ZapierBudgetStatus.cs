namespace Zapier.Client;

/// <summary>
/// The client's own view of its request budget at one moment (<see cref="ZapierClient.Budget"/>); the server's view
/// comes with each response (<see cref="ZapierResponseInfo.RateLimitRemaining"/>). Reading it sends nothing.
/// </summary>
public sealed record ZapierBudgetStatus
{
    /// <summary>The default budget's rate (<see cref="ZapierClientOptions.RequestsPerMinute"/>); null for a caller-supplied <see cref="ZapierClientOptions.RateLimiter"/>.</summary>
    public int? RequestsPerMinute { get; init; }

    /// <summary>
    /// Requests the default budget would still start within the next minute at its spacing, after the requests already
    /// waiting and the server's hold; at most <see cref="RequestsPerMinute"/>. Null for a caller-supplied limiter.
    /// </summary>
    public int? RemainingThisMinute { get; init; }

    /// <summary>Permits the limiter would grant at once (its statistics' <c>CurrentAvailablePermits</c>), if it reports them.</summary>
    public long? AvailableNow { get; init; }

    /// <summary>Requests waiting for a permit now, if the limiter reports them.</summary>
    public long? Queued { get; init; }

    /// <summary>When the default budget's next request can start (now when a slot is free); null for a caller-supplied limiter.</summary>
    public DateTimeOffset? NextFreeSlot { get; init; }

    /// <summary>The end of the server's hold (Retry-After, exhausted X-RateLimit-*), while one is in force: no request starts before it.</summary>
    public DateTimeOffset? HeldUntil { get; init; }
}
