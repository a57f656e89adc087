using System.Threading.RateLimiting;

namespace Zapier.Client.Budget;

/// <summary>
/// The default request budget as a <see cref="RateLimiter"/>: <c>RequestsPerMinute</c> permits a minute, spaced
/// evenly (one every 60/N seconds) on the client's scheduler, queueing without limit, and never earlier than the
/// server's hold. A free slot is granted without allocating; a queued one costs one entry in the scheduler's queue.
/// </summary>
internal sealed class SchedulerRateLimiter(RequestScheduler scheduler, int requestsPerMinute) : RateLimiter
{
    private static readonly RateLimitLease Granted = new Lease(acquired: true, retryAfter: null);
    private long _granted;
    private long _refused;

    /// <summary>The configured rate.</summary>
    public int RequestsPerMinute { get; } = requestsPerMinute;

    public override TimeSpan? IdleDuration => scheduler.QueuedSlots > 0 ? null : TimeSpan.Zero;

    public override RateLimiterStatistics? GetStatistics() => new()
    {
        CurrentAvailablePermits = scheduler.NextSlot <= scheduler.Time.GetUtcNow() && scheduler.QueuedSlots == 0 ? 1 : 0,
        CurrentQueuedCount = scheduler.QueuedSlots,
        TotalSuccessfulLeases = Interlocked.Read(ref _granted),
        TotalFailedLeases = Interlocked.Read(ref _refused),
    };

    /// <summary>
    /// The budget as <see cref="ZapierBudgetStatus"/>: slots are one interval (a minute / rate) apart from the next free
    /// one, and every request already waiting takes one of them.
    /// </summary>
    public ZapierBudgetStatus Status()
    {
        var now = scheduler.Time.GetUtcNow();
        var free = scheduler.NextSlot > now ? scheduler.NextSlot : now;
        var queued = scheduler.QueuedSlots;
        var window = now + TimeSpan.FromMinutes(1) - free;
        var interval = TimeSpan.FromMinutes(1) / RequestsPerMinute;
        var slots = window <= TimeSpan.Zero ? 0 : (int)Math.Ceiling(window / interval);
        return new ZapierBudgetStatus
        {
            RequestsPerMinute = RequestsPerMinute,
            RemainingThisMinute = Math.Clamp(slots - queued, 0, RequestsPerMinute),
            AvailableNow = free <= now && queued == 0 ? 1 : 0,
            Queued = queued,
            NextFreeSlot = free,
            HeldUntil = scheduler.HeldUntil,
        };
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        Check(permitCount);
        if (permitCount == 0 || scheduler.TryAcquireSlotNow())
        {
            Interlocked.Increment(ref _granted);
            return Granted;
        }

        Interlocked.Increment(ref _refused);
        var wait = scheduler.NextSlot - scheduler.Time.GetUtcNow();
        return new Lease(acquired: false, wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Check(permitCount);
        if (permitCount == 0 || scheduler.TryAcquireSlotNow())
        {
            Interlocked.Increment(ref _granted);
            return ValueTask.FromResult(Granted);
        }

        return QueueAsync(lane: null, cancellationToken);
    }

    /// <summary>Like <see cref="RateLimiter.AcquireAsync"/> for one permit, queueing in <paramref name="lane"/>'s lane (a user's).</summary>
    public ValueTask<RateLimitLease> AcquireAsync(object? lane, CancellationToken cancellationToken)
    {
        if (scheduler.TryAcquireSlotNow())
        {
            Interlocked.Increment(ref _granted);
            return ValueTask.FromResult(Granted);
        }

        return QueueAsync(lane, cancellationToken);
    }

    private async ValueTask<RateLimitLease> QueueAsync(object? lane, CancellationToken cancellationToken)
    {
        await scheduler.AcquireSlotAsync(lane, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _granted);
        return Granted;
    }

    private static void Check(int permitCount)
    {
        if (permitCount is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(permitCount), permitCount, "The request budget grants one permit per request.");
        }
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired { get; } = acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
