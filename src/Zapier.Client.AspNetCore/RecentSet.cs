namespace Zapier.Client.AspNetCore;

/// <summary>
/// A set of keys that expire at a given time, with a capped size (the key that expires first goes when it is full):
/// the receiver's memory of recent callbacks stays bounded whatever arrives.
/// </summary>
internal sealed class RecentSet(int capacity)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _entries = new(StringComparer.Ordinal);
    private readonly PriorityQueue<string, DateTimeOffset> _byExpiry = new();

    /// <summary>Adds <paramref name="key"/> unless it is there and live; false when it is.</summary>
    public bool TryAdd(string key, DateTimeOffset expires, DateTimeOffset now)
    {
        lock (_gate)
        {
            while (_byExpiry.TryPeek(out var oldest, out var at) && (at <= now || _entries.Count >= capacity))
            {
                _byExpiry.Dequeue();
                if (_entries.TryGetValue(oldest, out var entry) && entry == at)
                {
                    _entries.Remove(oldest);
                }
            }

            if (_entries.TryGetValue(key, out var existing) && existing > now)
            {
                return false;
            }

            _entries[key] = expires;
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
