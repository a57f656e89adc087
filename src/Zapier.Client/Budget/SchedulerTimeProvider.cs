namespace Zapier.Client.Budget;

/// <summary>
/// The client's clock as a <see cref="TimeProvider"/>: time is read from the injected clock, and timers are delays of
/// the client's <see cref="RequestScheduler"/>. Polly's retry sleeps its backoff on it, so retry delays wait in the
/// same queue (and on the same single timer) as polls and the request budget.
/// </summary>
internal sealed class SchedulerTimeProvider(RequestScheduler scheduler) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => scheduler.Time.GetUtcNow();

    public override long GetTimestamp() => scheduler.Time.GetTimestamp();

    public override long TimestampFrequency => scheduler.Time.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => scheduler.Time.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        scheduler.CreateTimer(callback, state, dueTime, period);
}
