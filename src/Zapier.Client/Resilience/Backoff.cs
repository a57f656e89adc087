namespace Zapier.Client.Resilience;

/// <summary>
/// The one delay computation: exponential backoff from <see cref="Initial"/> by <see cref="Multiplier"/> up to
/// <see cref="Max"/>, spread by ±<see cref="Jitter"/>, with the server's earliest time as a floor. HTTP retries
/// (through Polly's delay generator) and the action-run waiter both use it.
/// </summary>
internal readonly record struct Backoff(TimeSpan Initial, double Multiplier, TimeSpan Max, double Jitter)
{
    /// <summary>The delay before attempt <paramref name="attempt"/> + 1 (0 for the first backoff), before any floor.</summary>
    public TimeSpan Delay(int attempt)
    {
        var ticks = Initial.Ticks * Math.Pow(Multiplier, Math.Min(attempt, 64));
        var capped = Math.Min(ticks, Max.Ticks);
        var spread = Jitter == 0 ? capped : capped * (1 + (((Random.Shared.NextDouble() * 2) - 1) * Jitter));
        return TimeSpan.FromTicks((long)Math.Min(spread, Max.Ticks));
    }

    /// <summary>The delay before the next attempt, never earlier than the server asked (<paramref name="notBefore"/>).</summary>
    public TimeSpan Delay(int attempt, DateTimeOffset now, DateTimeOffset? notBefore) => Floor(Delay(attempt), now, notBefore);

    /// <summary><paramref name="delay"/>, or the time until <paramref name="notBefore"/> when that is later.</summary>
    public static TimeSpan Floor(TimeSpan delay, DateTimeOffset now, DateTimeOffset? notBefore) =>
        notBefore is { } hint && hint - now > delay ? hint - now : delay;

    /// <summary>
    /// The least delay after a failed poll: twice the previous sleep, at least <paramref name="floor"/>, at most
    /// <paramref name="max"/> (a failing server is not asked again at the normal pace).
    /// </summary>
    public static TimeSpan AfterFailure(TimeSpan previousSleep, TimeSpan floor, TimeSpan max)
    {
        var doubled = previousSleep >= max / 2 ? max : previousSleep * 2; // halving first cannot overflow
        var least = doubled > floor ? doubled : floor;
        return least < max ? least : max;
    }
}
