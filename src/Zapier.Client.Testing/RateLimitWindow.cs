using System.Globalization;

namespace Zapier.Client.Testing;

/// <summary>Counts requests in one-minute windows and holds a cool-down after the limit is passed (see <see cref="SandboxRateLimit"/>).</summary>
internal sealed class RateLimitWindow(SandboxRateLimit limit, TimeProvider clock)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly Lock _gate = new();
    private DateTimeOffset? _windowStart;
    private DateTimeOffset _coolDownUntil = DateTimeOffset.MinValue;
    private int _count;

    public Decision Take()
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            if (now < _coolDownUntil)
            {
                return Refuse(now);
            }

            if (_windowStart is not { } start || now >= start + Window)
            {
                _windowStart = now;
                _count = 0;
            }

            _count++;
            if (_count > limit.RequestsPerMinute)
            {
                _coolDownUntil = now + limit.Cooldown;
                _windowStart = null;
                return Refuse(now);
            }

            return new Decision(false, Headers(limit.RequestsPerMinute - _count, _windowStart!.Value + Window, null));
        }
    }

    private Decision Refuse(DateTimeOffset now) => new(true, Headers(0, _coolDownUntil, _coolDownUntil - now));

    private KeyValuePair<string, string>[] Headers(int remaining, DateTimeOffset reset, TimeSpan? retryAfter)
    {
        var headers = new List<KeyValuePair<string, string>>
        {
            new("X-RateLimit-Limit", limit.RequestsPerMinute.ToString(CultureInfo.InvariantCulture)),
            new("X-RateLimit-Remaining", remaining.ToString(CultureInfo.InvariantCulture)),
            new("X-RateLimit-Reset", ((long)Math.Ceiling(reset.ToUnixTimeMilliseconds() / 1000.0)).ToString(CultureInfo.InvariantCulture)),
        };
        if (retryAfter is { } delay)
        {
            headers.Add(new("Retry-After", SandboxAnswers.Seconds(delay)));
        }

        return [.. headers];
    }

    /// <summary>Whether the request is refused, and the headers its answer carries.</summary>
    public sealed record Decision(bool Refused, IReadOnlyList<KeyValuePair<string, string>> Headers);
}
