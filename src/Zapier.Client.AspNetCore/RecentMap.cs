namespace Zapier.Client.AspNetCore;

/// <summary>
/// A map whose entries expire at a given time and whose size is capped (the entry that expires first goes when it
/// is full): the receiver's memory of recent callbacks stays bounded whatever arrives.
/// </summary>
internal sealed class RecentMap<TValue>(int capacity)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (TValue Value, DateTimeOffset Expires)> _entries = new(StringComparer.Ordinal);
    private readonly PriorityQueue<string, DateTimeOffset> _byExpiry = new();

    /// <summary>The live value under <paramref name="key"/>, if any.</summary>
    public bool TryGet(string key, DateTimeOffset now, out TValue value)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var entry) && entry.Expires > now)
            {
                value = entry.Value;
                return true;
            }

            value = default!;
            return false;
        }
    }

    /// <summary>Adds <paramref name="key"/> unless a live entry has it; false when one does.</summary>
    public bool TryAdd(string key, TValue value, DateTimeOffset expires, DateTimeOffset now)
    {
        lock (_gate)
        {
            while (_byExpiry.TryPeek(out var oldest, out var at) && (at <= now || _entries.Count >= capacity))
            {
                _byExpiry.Dequeue();
                if (_entries.TryGetValue(oldest, out var entry) && entry.Expires == at)
                {
                    _entries.Remove(oldest);
                }
            }

            if (_entries.TryGetValue(key, out var existing) && existing.Expires > now)
            {
                return false;
            }

            _entries[key] = (value, expires);
            _byExpiry.Enqueue(key, expires);
            return true;
        }
    }

    /// <summary>Forgets <paramref name="key"/> (a callback that could not be passed on may come again).</summary>
    public void Remove(string key)
    {
        lock (_gate)
        {
            _entries.Remove(key);
        }
    }
}
