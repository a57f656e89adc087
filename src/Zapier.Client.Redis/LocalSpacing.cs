namespace Zapier.Client.Redis;

/// <summary>
/// A reservation decision: reserved or not, how far ahead the slot is, counted from when (Redis's answer, or the local
/// decision), how long Redis took to answer (zero locally), and whether the local budget made it.
/// </summary>
internal readonly record struct Decision(bool Reserved, TimeSpan Wait, DateTimeOffset From = default, TimeSpan RoundTrip = default, bool Local = false)
{
    public DateTimeOffset Slot => From + Wait;
}

/// <summary>
/// This process's share of the limit, spaced evenly: the budget's fallback while Redis is out (starting where the
/// fleet's queue in Redis ended, as last seen, so the switch adds no burst), and, for a while after Redis is back, a
/// floor under the slots Redis gives (so this process stays at its share while others may still be on theirs).
/// </summary>
internal sealed class LocalSpacing(TimeSpan interval)
{
    private readonly Lock _gate = new();
    private DateTimeOffset _next = DateTimeOffset.MinValue;
    private DateTimeOffset _afterRedis = DateTimeOffset.MinValue;
    private DateTimeOffset _held = DateTimeOffset.MinValue;

    /// <summary>The earliest time for this process's next request by its local schedule (and the hold).</summary>
    public DateTimeOffset NextFree
    {
        get
        {
            lock (_gate)
            {
                return _next > _held ? _next : _held;
            }
        }
    }

    /// <summary>The end of the latest hold this process knows of (MinValue for none).</summary>
    public DateTimeOffset Held
    {
        get
        {
            lock (_gate)
            {
                return _held;
            }
        }
    }

    public Decision Reserve(DateTimeOffset now, TimeSpan furthest)
    {
        lock (_gate)
        {
            var slot = Latest(Latest(now, _next), Latest(_held, _afterRedis));
            var wait = slot - now;
            if (wait > furthest)
            {
                return new Decision(false, wait);
            }

            _next = slot + interval;
            return new Decision(true, wait, now, Local: true);
        }
    }

    /// <summary>
    /// Records what Redis answered: the fallback starts no sooner than the end of the fleet's queue (the slots other
    /// processes hold go out after Redis is gone, too), and, when <paramref name="keepShare"/>, this process's next
    /// slot is one interval after the one Redis gave it.
    /// </summary>
    public void FromRedis(DateTimeOffset? slot, DateTimeOffset queueEnd, bool keepShare)
    {
        lock (_gate)
        {
            _afterRedis = Latest(_afterRedis, queueEnd);
            if (keepShare && slot is { } given)
            {
                _next = Latest(_next, given + interval);
            }
        }
    }

    public void HoldUntil(DateTimeOffset until)
    {
        lock (_gate)
        {
            _held = Latest(_held, until);
        }
    }

    private static DateTimeOffset Latest(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
