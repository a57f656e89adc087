using System.Collections.Concurrent;

namespace Zapier.Client.ActionRuns.Inputs;

/// <summary>
/// What input validation fetched (an action's input fields, a field's choices), kept for
/// <see cref="ZapierClientOptions.InputFieldsCacheDuration"/> on the client's clock and shared by the clients of one
/// registration. Two first uses at the same moment may both fetch; the later answer is kept. A user's view of the
/// client uses its own part of the cache (<see cref="For"/>): fields and choices come from the user's connected
/// accounts, so one user's answers are never another's.
/// </summary>
internal sealed class InputFieldCache
{
    /// <summary>Entries kept at most; beyond it expired ones go, then all (a bound, not an eviction policy).</summary>
    private const int MaxEntries = 512;

    private readonly TimeProvider _time;
    private readonly TimeSpan _lifetime;
    private readonly ConcurrentDictionary<string, (object Value, DateTimeOffset Expires)> _entries;
    private readonly string _scope;

    public InputFieldCache(TimeProvider time, TimeSpan lifetime)
        : this(time, lifetime, new(StringComparer.Ordinal), string.Empty)
    {
    }

    private InputFieldCache(TimeProvider time, TimeSpan lifetime, ConcurrentDictionary<string, (object Value, DateTimeOffset Expires)> entries, string scope)
    {
        _time = time;
        _lifetime = lifetime;
        _entries = entries;
        _scope = scope;
    }

    /// <summary>The part of the cache of one user of the client (the whole cache for calls without a user).</summary>
    public InputFieldCache For(Authentication.ZapierUserCredential? user) =>
        user?.Key is string key ? new(_time, _lifetime, _entries, "user\n" + key + "\n") : this;

    /// <summary>The value under <paramref name="key"/> while fresh; otherwise loads and keeps it. A null key is never cached.</summary>
    public async Task<T> GetAsync<T>(string? key, Func<CancellationToken, Task<T>> load, CancellationToken cancellationToken)
        where T : class
    {
        key = key is null ? null : _scope + key;
        if (key is not null && _entries.TryGetValue(key, out var entry) && entry.Expires > _time.GetUtcNow() && entry.Value is T known)
        {
            return known;
        }

        var value = await load(cancellationToken).ConfigureAwait(false);
        if (key is not null && _lifetime > TimeSpan.Zero)
        {
            var now = _time.GetUtcNow();
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

            _entries[key] = (value, now + _lifetime);
        }

        return value;
    }
}
