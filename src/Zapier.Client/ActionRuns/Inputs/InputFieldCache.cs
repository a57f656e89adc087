using System.Collections.Concurrent;

namespace Zapier.Client.ActionRuns.Inputs;

/// <summary>
/// What input validation fetched (an action's input fields, a field's choices), kept for
/// <see cref="ZapierClientOptions.InputFieldsCacheDuration"/> on the client's clock and shared by the clients of one
/// registration. Two first uses at the same moment may both fetch; the later answer is kept.
/// </summary>
internal sealed class InputFieldCache(TimeProvider time, TimeSpan lifetime)
{
    /// <summary>Entries kept at most; beyond it expired ones go, then all (a bound, not an eviction policy).</summary>
    private const int MaxEntries = 512;

    private readonly ConcurrentDictionary<string, (object Value, DateTimeOffset Expires)> _entries = new(StringComparer.Ordinal);

    /// <summary>The value under <paramref name="key"/> while fresh; otherwise loads and keeps it. A null key is never cached.</summary>
    public async Task<T> GetAsync<T>(string? key, Func<CancellationToken, Task<T>> load, CancellationToken cancellationToken)
        where T : class
    {
        if (key is not null && _entries.TryGetValue(key, out var entry) && entry.Expires > time.GetUtcNow() && entry.Value is T known)
        {
            return known;
        }

        var value = await load(cancellationToken).ConfigureAwait(false);
        if (key is not null && lifetime > TimeSpan.Zero)
        {
            var now = time.GetUtcNow();
            if (_entries.Count >= MaxEntries)
            {
                foreach (var (stale, _) in _entries.Where(e => e.Value.Expires <= now))
                {
                    _entries.TryRemove(stale, out _);
                }

                if (_entries.Count >= MaxEntries)
                {
                    _entries.Clear();
                }
            }

            _entries[key] = (value, now + lifetime);
        }

        return value;
    }
}
