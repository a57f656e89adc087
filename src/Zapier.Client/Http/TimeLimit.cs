using System.Collections.Concurrent;

namespace Zapier.Client.Http;

/// <summary>
/// A token that cancels when the caller's token does or when <c>limit</c> passes on the client's clock: the call's
/// deadline and each attempt's time limit. On the system clock the token sources are reused from a small pool (as
/// Polly's timeouts do), so a call that ends in time allocates no timer.
/// </summary>
internal readonly struct TimeLimit : IDisposable
{
    private const int PoolSize = 64;
    private static readonly ConcurrentQueue<CancellationTokenSource> Pool = new();

    private readonly CancellationTokenSource? _source;
    private readonly CancellationTokenRegistration _link;
    private readonly ITimer? _timer;

    private TimeLimit(CancellationTokenSource source, CancellationTokenRegistration link, ITimer? timer)
    {
        _source = source;
        _link = link;
        _timer = timer;
    }

    /// <summary>The limited token; the caller's own when there is no limit.</summary>
    public CancellationToken Token(CancellationToken outer) => _source?.Token ?? outer;

    /// <summary>True when the limit, not the caller, cancelled the token.</summary>
    public bool Expired(CancellationToken outer) => _source is { IsCancellationRequested: true } && !outer.IsCancellationRequested;

    /// <summary>Starts a limit; <see cref="Timeout.InfiniteTimeSpan"/> means none.</summary>
    public static TimeLimit Start(TimeProvider time, TimeSpan limit, CancellationToken outer)
    {
        if (limit == Timeout.InfiniteTimeSpan)
        {
            return default;
        }

        var source = Pool.TryDequeue(out var pooled) ? pooled : new CancellationTokenSource();
        var link = outer.CanBeCanceled ? outer.UnsafeRegister(CancelQuietly, source) : default;
        ITimer? timer = null;
        if (time == TimeProvider.System)
        {
            source.CancelAfter(limit);
        }
        else
        {
            timer = time.CreateTimer(CancelQuietly, source, limit, Timeout.InfiniteTimeSpan);
        }

        return new TimeLimit(source, link, timer);
    }

    /// <summary>
    /// Cancels the source passed as state, unless it was disposed meanwhile: a timer's callback can still run after the
    /// timer was disposed (and the source with it), and an exception there would reach whoever moved the clock.
    /// </summary>
    public static void CancelQuietly(object? state)
    {
        try
        {
            ((CancellationTokenSource)state!).Cancel();
        }
        catch (ObjectDisposedException)
        {
            // the limit it enforced is over already
        }
    }

    public void Dispose()
    {
        if (_source is null)
        {
            return;
        }

        _link.Dispose(); // first: the caller's token must not cancel whoever gets this source next
        _timer?.Dispose();

        // Only system-clock sources go back: another clock's timer callback may still be running after Dispose.
        if (_timer is null && Pool.Count < PoolSize && _source.TryReset())
        {
            Pool.Enqueue(_source);
        }
        else
        {
            _source.Dispose();
        }
    }
}
