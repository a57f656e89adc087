namespace Zapier.Client.Redis;

/// <summary>A reservation decision: reserved or not, and how far ahead the slot is.</summary>
internal readonly record struct Decision(bool Reserved, TimeSpan Wait);

/// <summary>
/// The same spacing as the Redis script, kept in this process: the budget's fallback while Redis is out (starting
/// after the last slot Redis gave this process), and the floor it passes to Redis when Redis is back, so this process
/// does not burst on the switch either way.
/// </summary>
internal sealed class LocalSpacing(TimeSpan interval)
{
    private readonly Lock _gate = new();
    private DateTimeOffset _next = DateTimeOffset.MinValue;
    private DateTimeOffset _held = DateTimeOffset.MinValue;

    /// <summary>The earliest time this process's next local slot may be.</summary>
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

    public Decision Reserve(DateTimeOffset now, TimeSpan furthest)
    {
        lock (_gate)
        {
            var slot = now;
            if (_next > slot)
            {
                slot = _next;
            }

            if (_held > slot)
            {
                slot = _held;
            }

            var wait = slot - now;
            if (wait > furthest)
            {
                return new Decision(false, wait);
            }

            _next = slot + interval;
            return new Decision(true, wait);
        }
    }

    /// <summary>Moves the next local slot to at least <paramref name="slot"/> (a slot Redis reserved for this process).</summary>
    public void NotBefore(DateTimeOffset slot)
    {
        lock (_gate)
        {
            if (slot > _next)
            {
                _next = slot;
            }
        }
    }

    public void HoldUntil(DateTimeOffset until)
    {
        lock (_gate)
        {
            if (until > _held)
            {
                _held = until;
            }
        }
    }
}
