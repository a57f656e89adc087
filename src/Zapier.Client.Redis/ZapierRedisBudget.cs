using System.Diagnostics.Metrics;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Zapier.Client.Redis;

/// <summary>
/// A request budget for a fleet of processes, kept in Redis: at most
/// <see cref="ZapierRedisBudgetOptions.RequestsPerMinutePerEgress"/> a minute per egress address and
/// <see cref="ZapierRedisBudgetOptions.RequestsPerMinutePerPartner"/> per partner, spaced evenly over the whole fleet,
/// and no request before a hold that any process of the partner received from the server. It queues: an acquisition
/// waits (in this process, on its clock) for the slot Redis reserved for it, and ends early only when its token is
/// canceled (the client cancels it at the call's deadline) or the budget is disposed. Plug it in with
/// <see cref="ZapierRedisBudgetExtensions.UseRedisBudget(ZapierClientOptions, ZapierRedisBudget)"/>. While Redis is
/// out, <see cref="ZapierRedisBudgetOptions.OnRedisFailure"/> decides.
/// </summary>
public sealed class ZapierRedisBudget : RateLimiter
{
    /// <summary>The name of the meter with the budget's counters (<c>metrics.AddMeter(ZapierRedisBudget.MeterName)</c>).</summary>
    public const string MeterName = "Zapier.Client.Redis";

    /// <summary>Furthest ahead a slot is reserved; a later one is asked for again when it comes within reach.</summary>
    internal static readonly TimeSpan ReserveAhead = TimeSpan.FromSeconds(2);

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> LocalPermitCounter = Meter.CreateCounter<long>(
        "zapier.client.redis_budget.local_permits", "{permit}", "Permits granted by the local fallback budget while Redis was out.");
    private static readonly Counter<long> FailureCounter = Meter.CreateCounter<long>(
        "zapier.client.redis_budget.redis_failures", "{failure}", "Redis commands of the budget that failed or timed out.");

    private static readonly RateLimitLease Granted = new Lease(true, null);

    private readonly ZapierRedisBudgetOptions _options;
    private readonly IConnectionMultiplexer _redis;
    private readonly bool _ownsRedis;
    private readonly RedisKey[] _reserveKeys;
    private readonly RedisKey[] _holdKeys;
    private readonly RedisValue _egressMicros;
    private readonly RedisValue _partnerMicros;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly LocalSpacing _local;
    private readonly RedisChannel _holdChannel;
    private readonly Action<RedisChannel, RedisValue> _onHoldAnnounced;
    private readonly CancellationTokenSource _disposed = new(); // canceled on Dispose: queued waits end
    private int _disposeState;
    private long _retryRedisAtTicks;
    private int _onFallback;
    private long _granted;
    private long _refused;
    private long _localPermits;
    private long _failures;
    private int _waiting;
    private long _missedSlots;
    private long _shareUntilTicks;
    private int _reached;

    private ZapierRedisBudget(ZapierRedisBudgetOptions options, IConnectionMultiplexer redis, bool ownsRedis)
    {
        _options = options;
        _redis = redis;
        _ownsRedis = ownsRedis;
        _time = options.TimeProvider;
        _log = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Zapier.Client.Redis");

        // One hash tag per partner: the script's keys land in one slot on a Redis Cluster.
        var root = $"{options.KeyPrefix}{{{options.Partner}}}:";
        _reserveKeys = [root + "egress:" + options.EgressAddress, root + "partner", root + "hold"];
        _holdKeys = [root + "hold"];
        _holdChannel = RedisChannel.Literal(root + "hold");
        var window = options.LimitWindow;
        var smaller = Math.Min(options.RequestsPerMinutePerEgress, options.RequestsPerMinutePerPartner);

        // A permit goes at most MaxLateness after its slot (a later one is given up), and slots are spaced so that a
        // limit's worth of them plus that lateness fit in the window: any limit + 1 permits span at least the window.
        // At least 50 ms: a timer may fire late and a busy process answer late (a loaded machine), and a tolerance
        // below that gives up slot after slot.
        MaxLateness = Max(window / smaller / 4, TimeSpan.FromMilliseconds(50));
        SlotSpacingPerEgress = (window + MaxLateness) / options.RequestsPerMinutePerEgress;
        SlotSpacingPerPartner = (window + MaxLateness) / options.RequestsPerMinutePerPartner;
        _egressMicros = MicrosUp(SlotSpacingPerEgress);
        _partnerMicros = MicrosUp(SlotSpacingPerPartner);
        RecoveryGrace = Max(TimeSpan.FromSeconds(2), 3 * options.RedisRetryInterval);
        // The exact share, not a whole number of requests: a fleet larger than the limit still adds up to the limit.
        LocalRequestsPerMinute = (double)smaller / (options.FleetSize ?? 1);
        _local = new LocalSpacing((window + MaxLateness) * (options.FleetSize ?? 1) / smaller);
        _redis.ConnectionRestored += OnConnectionRestored;

        // A hold any process announces reaches this one at once (a slot it reserved before the hold gives itself up);
        // the reservation answers carry it too, should a message be lost while the connection is down.
        _onHoldAnnounced = OnHoldAnnounced;
        try
        {
            _redis.GetSubscriber().Subscribe(_holdChannel, _onHoldAnnounced);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Failed(e); // the subscription is kept and made again when the connection is back
        }
    }

    /// <summary>
    /// Creates a budget and connects to Redis (waiting at most <see cref="ZapierRedisBudgetOptions.OperationTimeout"/>;
    /// an unreachable Redis is not an error here: the failure mode applies until it answers).
    /// </summary>
    /// <exception cref="ArgumentException">A setting is missing or out of range (the exception names it).</exception>
    public static ZapierRedisBudget Create(ZapierRedisBudgetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Clone();
        settings.Validate();
        if (settings.Connection is { } shared)
        {
            return new ZapierRedisBudget(settings, shared, ownsRedis: false);
        }

        var config = ConfigurationOptions.Parse(settings.Configuration!);
        var timeout = (int)Math.Ceiling(settings.OperationTimeout.TotalMilliseconds);
        config.AbortOnConnectFail = false; // keep reconnecting in the background; the failure mode covers the gap
        config.BacklogPolicy = BacklogPolicy.FailFast; // while disconnected, fail at once instead of queueing commands
        config.ConnectTimeout = timeout;
        config.SyncTimeout = timeout;
        config.AsyncTimeout = timeout;
        // Every process notices a Redis that is back within about one retry interval, so the recovery grace covers them.
        config.HeartbeatInterval = settings.RedisRetryInterval;
        config.ReconnectRetryPolicy = new LinearRetry((int)Math.Ceiling(settings.RedisRetryInterval.TotalMilliseconds));
        return new ZapierRedisBudget(settings, ConnectionMultiplexer.Connect(config), ownsRedis: true);
    }

    /// <summary>
    /// How long after Redis answers again this process still keeps to its local share (as well as to Redis's slots):
    /// three <see cref="ZapierRedisBudgetOptions.RedisRetryInterval"/>s, at least 2 seconds, time for the other
    /// processes to reconnect, so that the fleet does not go over the limit while some are back and some are not.
    /// </summary>
    public TimeSpan RecoveryGrace { get; }

    /// <summary>
    /// The rate each process keeps to while Redis is out: the smaller limit divided by
    /// <see cref="ZapierRedisBudgetOptions.FleetSize"/> (by 1 when it is not set, in <see cref="ZapierRedisFailureMode.Refuse"/> mode),
    /// not rounded: 37.5 for 150 over 4 processes, 0.5 for 60 over 120. Its permits are spaced (a minute +
    /// <see cref="MaxLateness"/>) × FleetSize / the smaller limit apart, as the fleet's slots are, so a little below this rate.
    /// </summary>
    public double LocalRequestsPerMinute { get; }

    /// <summary>
    /// The most a permit is granted after its slot: a quarter of the smaller limit's interval (a minute divided by it),
    /// at least 50 ms. A request that would go later gives its slot up and takes a fresh one.
    /// </summary>
    public TimeSpan MaxLateness { get; }

    /// <summary>
    /// How far apart the slots of one egress address are: (a minute + <see cref="MaxLateness"/>) divided by
    /// <see cref="ZapierRedisBudgetOptions.RequestsPerMinutePerEgress"/>, so that no 60-second window holds more
    /// requests than the limit even when the first of them went late by <see cref="MaxLateness"/>.
    /// </summary>
    public TimeSpan SlotSpacingPerEgress { get; }

    /// <summary>How far apart the partner's slots are: (a minute + <see cref="MaxLateness"/>) divided by <see cref="ZapierRedisBudgetOptions.RequestsPerMinutePerPartner"/>.</summary>
    public TimeSpan SlotSpacingPerPartner { get; }

    /// <summary>
    /// The end of the latest server hold this process knows of (one its clients received, one another process announced
    /// over Redis pub/sub, or one it learned from Redis when reserving), or null when it knows of none. The local fallback keeps to it, and it is written back to Redis
    /// when Redis comes back without it.
    /// </summary>
    public DateTimeOffset? HeldUntil => _local.Held is var held && held > _time.GetUtcNow() ? held : null;

    /// <summary>True while the last Redis command failed and the failure mode applies.</summary>
    public bool IsOnFallback => Volatile.Read(ref _onFallback) == 1;

    /// <summary>Permits granted by the local fallback budget so far.</summary>
    public long LocalPermits => Interlocked.Read(ref _localPermits);

    /// <summary>Redis commands of this budget that failed or timed out so far.</summary>
    public long RedisFailures => Interlocked.Read(ref _failures);

    /// <summary>
    /// Slots given up because this process would have sent them later than <see cref="MaxLateness"/> (it had stalled, or
    /// Redis answered that late); each such request took a fresh slot instead of going out late, bunched with the next ones.
    /// After <see cref="MissedSlotsBeforeFallback"/> in a row, one acquisition counts it as a Redis failure.
    /// </summary>
    public long MissedSlots => Interlocked.Read(ref _missedSlots);

    /// <inheritdoc />
    public override TimeSpan? IdleDuration => Volatile.Read(ref _waiting) > 0 ? null : TimeSpan.Zero;

    /// <summary>
    /// Holds every process of the partner until <paramref name="until"/> (a server's Retry-After or exhausted
    /// X-RateLimit-*), in Redis with an expiry, and this process's fallback too. Returns at once; the Redis write is
    /// sent without waiting for its answer. <see cref="ZapierRedisBudgetExtensions.UseRedisBudget(ZapierClientOptions, ZapierRedisBudget)"/>
    /// passes the client's holds here.
    /// </summary>
    public void Hold(DateTimeOffset until)
    {
        _local.HoldUntil(until);
        WriteHold(until);
    }

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics() => new()
    {
        CurrentAvailablePermits = 0, // known only by asking Redis
        CurrentQueuedCount = Volatile.Read(ref _waiting),
        TotalSuccessfulLeases = Interlocked.Read(ref _granted),
        TotalFailedLeases = Interlocked.Read(ref _refused),
    };

    /// <summary>
    /// Grants a permit only when a slot is free right now. Asks Redis with its synchronous call when the connection's
    /// sync timeout is at most <see cref="ZapierRedisBudgetOptions.OperationTimeout"/> (always so when <see cref="Create"/>
    /// made the connection); with a connection of yours that waits longer, it blocks on the asynchronous call for at
    /// most the operation timeout instead. Either way this thread waits at most about the operation timeout.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The budget was disposed.</exception>
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ThrowIfDisposed();
        if (Check(permitCount))
        {
            return Granted;
        }

        var decision = Decide(TimeSpan.Zero);
        return Finish(decision.Reserved && decision.Wait <= TimeSpan.Zero && !IsHeld(), decision, _time.GetUtcNow());
    }

    /// <summary>
    /// Waits for a slot of the fleet's budget; ends early only when <paramref name="cancellationToken"/> is canceled
    /// (<see cref="OperationCanceledException"/>) or the budget is disposed (<see cref="ObjectDisposedException"/>).
    /// </summary>
    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        if (Check(permitCount))
        {
            return Granted;
        }

        Interlocked.Increment(ref _waiting);
        try
        {
            // A slot free now goes at once, with nothing allocated for waiting; a wait also ends when the budget is disposed.
            var first = await DecideAsync(ReserveAhead, cancellationToken).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            if (first.Reserved && first.Wait <= TimeSpan.Zero && !IsHeld() && now - first.Slot <= MaxLateness - first.RoundTrip)
            {
                return Finish(true, first, now);
            }

            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
            return await WaitForSlotAsync(first, waiting.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(ZapierRedisBudget), "The budget was disposed while this acquisition waited.");
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && Release() && _ownsRedis)
        {
            _redis.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Disposes as <see cref="Dispose(bool)"/> does, closing an owned connection asynchronously.</summary>
    protected override async ValueTask DisposeAsyncCore()
    {
        if (Release() && _ownsRedis)
        {
            await _redis.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>How many slots in a row one acquisition may miss before Redis counts as too slow (the failure mode applies).</summary>
    internal const int MissedSlotsBeforeFallback = 3;

    private static readonly long MaxAheadMicros = Micros(TimeSpan.FromDays(1));

    private static readonly TimeSpan MinimumSleep = TimeSpan.FromMilliseconds(10);

    /// <summary>The least timer set for the rest of a wait (a shorter one may complete at once).</summary>
    private static readonly TimeSpan MinimumTimer = TimeSpan.FromMilliseconds(1);

    private static long Micros(TimeSpan span) => span.Ticks / 10;

    /// <summary>Whole microseconds, rounded up: a spacing rounded down would let a window hold a few microseconds too many.</summary>
    private static long MicrosUp(TimeSpan span) => (span.Ticks + 9) / 10;

    /// <summary>
    /// A time ahead sent by Redis or another process, in microseconds, capped at a day: a corrupted key or message
    /// must not overflow the clock's arithmetic (no limit's slot or hold lies that far ahead).
    /// </summary>
    private static TimeSpan Ahead(long micros) => TimeSpan.FromTicks(Math.Min(micros, MaxAheadMicros) * 10);

    private static long Positive(TimeSpan span) => span > TimeSpan.Zero ? Micros(span) : 0;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>Observes a Redis command no longer waited for, so that its late failure is not reported as unobserved.</summary>
    private static void ObserveLater(Task pending) =>
        _ = pending.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private static bool Check(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, 1);
        return permitCount == 0;
    }

    /// <summary>Waits for the slot of <paramref name="first"/> (the first reservation's decision), or for later ones.</summary>
    private async ValueTask<RateLimitLease> WaitForSlotAsync(Decision first, CancellationToken cancellationToken)
    {
        var missed = 0;
        Decision? next = first;
        while (true)
        {
            ThrowIfDisposed();
            var decision = next ?? await DecideAsync(ReserveAhead, cancellationToken).ConfigureAwait(false);
            next = null;
            if (decision.Reserved && decision.RoundTrip > MaxLateness)
            {
                // Redis answered later than a permit may go after its slot (a slow Redis, or a stalled process): the
                // slot cannot be kept, so it is given up at once, and after a few in a row the failure mode applies.
                missed = Missed(missed, $"Redis answered in {decision.RoundTrip.TotalMilliseconds:0} ms");
                continue;
            }

            if (decision.Reserved)
            {
                // The slot lies between asked + wait and answered + wait (Redis ran the script in between): going at
                // the later bound is never early, and is late by at most the round trip (at most MaxLateness, above).
                var slot = decision.Slot;
                var now = _time.GetUtcNow();
                while (now < slot)
                {
                    // A timer may fire a millisecond or so early: wait out the rest, so no permit goes before its slot.
                    var rest = slot - now;
                    await Task.Delay(rest < MinimumTimer ? MinimumTimer : rest, _time, cancellationToken).ConfigureAwait(false);
                    now = _time.GetUtcNow();
                }

                if (IsHeld())
                {
                    // A hold reached this process after the slot was reserved: the slot falls inside it, so it is given
                    // up and one after the hold taken (the reservation's floor is the hold's end).
                    continue;
                }

                if (now - slot <= MaxLateness - decision.RoundTrip)
                {
                    return Finish(true, decision, now);
                }

                // This process stalled (GC, starved CPU) past its slot: sending now would bunch it with the slots
                // after it, so the missed slot is given up and a fresh one taken.
                missed = Missed(missed, $"the permit would have gone {(now - slot).TotalMilliseconds:0} ms after its slot");
                continue;
            }

            if (decision.Wait < TimeSpan.Zero)
            {
                return Finish(false, decision, default); // refused by the failure mode
            }

            // The slot is further than a reservation may reach: ask again once it is within reach.
            var sleep = decision.Wait - ReserveAhead;
            await Task.Delay(sleep < MinimumSleep ? MinimumSleep : sleep, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Counts a slot given up; the <see cref="MissedSlotsBeforeFallback"/>th in a row of one acquisition counts as a
    /// Redis failure (Redis's answers, or this process, are too slow to keep any slot). Returns the new count in a row.
    /// </summary>
    private int Missed(int inARow, string why)
    {
        Interlocked.Increment(ref _missedSlots);
        if (++inARow < MissedSlotsBeforeFallback)
        {
            return inARow;
        }

        Failed(new TimeoutException($"{inARow} slots in a row were missed (the last: {why}; MaxLateness is {MaxLateness.TotalMilliseconds:0.#} ms)."));
        return 0;
    }

    /// <summary>
    /// Whether this acquisition asks Redis: always while Redis answers; on the fallback, once its retry time has come,
    /// only the one acquisition that claims the retry (a herd of them all asking at once would make the answers late).
    /// </summary>
    private bool ShouldAskRedis(DateTimeOffset now)
    {
        var retryAt = Interlocked.Read(ref _retryRedisAtTicks);
        return now.UtcTicks >= retryAt && (!IsOnFallback ||
            Interlocked.CompareExchange(ref _retryRedisAtTicks, (now + _options.RedisRetryInterval).UtcTicks, retryAt) == retryAt);
    }

    /// <summary>True while a hold this process knows of lasts: no permit is granted inside it.</summary>
    private bool IsHeld() => _local.Held > _time.GetUtcNow();

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposeState) != 0, this);

    /// <summary>Marks the budget disposed, ends its queued waits and drops its subscriptions; true the first time only.</summary>
    private bool Release()
    {
        if (Interlocked.Exchange(ref _disposeState, 1) != 0)
        {
            return false;
        }

        _disposed.Cancel();
        _redis.ConnectionRestored -= OnConnectionRestored;
        if (!_ownsRedis)
        {
            try
            {
                _redis.GetSubscriber().Unsubscribe(_holdChannel, _onHoldAnnounced, CommandFlags.FireAndForget);
            }
            catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
            {
                // the connection is gone: so is the subscription
            }
        }

        return true;
    }

    /// <summary>
    /// Called with the time of each permit granted for a slot, the one the lateness check used (tests record it: the
    /// window guarantee is for these times; a request leaves the transport a little after).
    /// </summary>
    internal Action<DateTimeOffset>? OnGranted { get; set; }

    private RateLimitLease Finish(bool acquired, Decision decision, DateTimeOffset now)
    {
        if (acquired)
        {
            Interlocked.Increment(ref _granted);
            if (decision.Local)
            {
                // Counted when granted: a local slot given up (a hold came, the process stalled) is no permit.
                Interlocked.Increment(ref _localPermits);
                LocalPermitCounter.Add(1);
            }

            OnGranted?.Invoke(now);
            return Granted;
        }

        Interlocked.Increment(ref _refused);
        var after = decision.Wait < TimeSpan.Zero ? -decision.Wait : decision.Wait;
        var held = _local.Held - _time.GetUtcNow(); // a free slot refused for a hold: come back when the hold ends
        return new Lease(false, held > after ? held : after);
    }

    /// <summary>
    /// A reservation from Redis, or from the failure mode when Redis fails: the local spacing, or a refusal (a
    /// negative wait: the time until Redis is asked again).
    /// </summary>
    private async ValueTask<Decision> DecideAsync(TimeSpan furthest, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (ShouldAskRedis(now))
        {
            RedisResult[]? answer = null;
            Task<RedisResult>? pending = null;
            try
            {
                pending = _redis.GetDatabase().ScriptEvaluateAsync(FleetScripts.Reserve, _reserveKeys, ReserveArguments(now, furthest));
                answer = (RedisResult[]?)await pending.WaitAsync(_options.OperationTimeout, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
            {
                Failed(e);
            }
            finally
            {
                if (pending is { IsCompleted: false })
                {
                    ObserveLater(pending); // left at the timeout or the token
                }
            }

            // Disposed during the call (whose failure then says nothing about Redis): no permit, local or not.
            ThrowIfDisposed();
            if (answer is not null && FromRedis(answer, now) is var decision)
            {
                if (decision.RoundTrip <= MaxLateness || !IsOnFallback)
                {
                    return decision; // a slow answer off the fallback is a missed slot (see WaitForSlotAsync)
                }

                // Still too slow: the fallback goes on (its warning is not repeated) and serves this acquisition.
                Failed(SlowAnswer(decision));
            }
        }

        return WithoutRedis(_time.GetUtcNow(), furthest); // now: a failed call may have taken the operation timeout
    }

    /// <summary>
    /// <see cref="DecideAsync"/> for a caller that cannot wait asynchronously: it blocks this thread for at most about
    /// <see cref="ZapierRedisBudgetOptions.OperationTimeout"/> (see <see cref="AttemptAcquireCore"/>).
    /// </summary>
    private Decision Decide(TimeSpan furthest)
    {
        var now = _time.GetUtcNow();
        if (ShouldAskRedis(now))
        {
            RedisResult[]? answer = null;
            try
            {
                answer = Evaluate(ReserveArguments(now, furthest));
            }
            catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
            {
                Failed(e);
            }

            ThrowIfDisposed(); // as in DecideAsync
            if (answer is not null && FromRedis(answer, now) is var decision)
            {
                if (decision.RoundTrip <= MaxLateness)
                {
                    return decision;
                }

                // No retry here to spread over: a slot answered this late cannot be kept, and a slow Redis is a failure.
                Failed(SlowAnswer(decision));
            }
        }

        return WithoutRedis(_time.GetUtcNow(), furthest); // now: a failed call may have taken the operation timeout
    }

    /// <summary>
    /// Runs the reservation script synchronously. Redis's own synchronous call is bounded by the connection's sync
    /// timeout; when that is longer than the operation timeout (a connection of yours, 5 s by default), the
    /// asynchronous call is waited on for the operation timeout instead.
    /// </summary>
    private RedisResult[]? Evaluate(RedisValue[] arguments)
    {
        var database = _redis.GetDatabase();
        if (TimeSpan.FromMilliseconds(_redis.TimeoutMilliseconds) <= _options.OperationTimeout)
        {
            return (RedisResult[]?)database.ScriptEvaluate(FleetScripts.Reserve, _reserveKeys, arguments);
        }

        var pending = database.ScriptEvaluateAsync(FleetScripts.Reserve, _reserveKeys, arguments);
        if (Task.WaitAny([pending], _options.OperationTimeout) < 0)
        {
            ObserveLater(pending);
            throw new TimeoutException($"Redis did not answer within the operation timeout ({_options.OperationTimeout.TotalMilliseconds:0.#} ms).");
        }

        return (RedisResult[]?)pending.GetAwaiter().GetResult();
    }

    private TimeoutException SlowAnswer(Decision decision) =>
        new($"Redis answered in {decision.RoundTrip.TotalMilliseconds:0} ms, later than MaxLateness ({MaxLateness.TotalMilliseconds:0.#} ms).");

    /// <summary>The reservation script's arguments: both intervals, how far ahead to reserve, this process's floor and the hold it knows of.</summary>
    private RedisValue[] ReserveArguments(DateTimeOffset now, TimeSpan furthest)
    {
        var floor = _local.NextFree - now; // after a fallback, no earlier than this process's local schedule
        var held = _local.Held - now; // a hold this process knows of goes back into a Redis that lost it
        return [_egressMicros, _partnerMicros, Micros(furthest), Positive(floor), Positive(held)];
    }

    /// <summary>Reads the reservation script's answer (asked at <paramref name="now"/>) and records what it says about the fleet.</summary>
    private Decision FromRedis(RedisResult[] answer, DateTimeOffset now)
    {
        var answered = _time.GetUtcNow();

        // The fleet's hold, kept here too: the local fallback keeps to it should Redis fail during it, and it is
        // written back should Redis come back without it. Counted from the answer: never earlier than Redis's.
        if ((long)answer[3] > 0)
        {
            _local.HoldUntil(answered + Ahead((long)answer[3]));
        }

        var roundTrip = answered - now;
        var decision = new Decision((long)answer[0] == 1, Ahead((long)answer[1]), answered, roundTrip);
        if (roundTrip > MaxLateness && IsOnFallback)
        {
            // Redis answers, but too late for any slot it gives to be kept: the fallback stays, and its start is not
            // moved again (the slot reserved here is given up, so nothing goes out in it).
            return decision;
        }

        if (roundTrip <= MaxLateness && Interlocked.Exchange(ref _onFallback, 0) == 1)
        {
            Interlocked.Exchange(ref _shareUntilTicks, (now + RecoveryGrace).UtcTicks);
            RedisBudgetLog.BackOnRedis(_log, LocalPermits);
        }

        Volatile.Write(ref _reached, 1);

        // Should Redis fail now, the local budget starts after the slots the fleet holds; just after an outage,
        // this process keeps to its local share (others may not be back on Redis yet).
        _local.FromRedis(
            decision.Reserved ? now + decision.Wait : null,
            now + Ahead((long)answer[2]),
            keepShare: now.UtcTicks < Interlocked.Read(ref _shareUntilTicks));

        return decision;
    }

    /// <summary>The failure mode's decision: a refusal (a negative wait, until Redis is asked again) or the local spacing.</summary>
    private Decision WithoutRedis(DateTimeOffset now, TimeSpan furthest)
    {
        if (_options.OnRedisFailure == ZapierRedisFailureMode.Refuse)
        {
            var again = new DateTimeOffset(Interlocked.Read(ref _retryRedisAtTicks), TimeSpan.Zero) - now;
            return new Decision(false, again > TimeSpan.Zero ? -again : -_options.RedisRetryInterval);
        }

        return _local.Reserve(now, furthest);
    }

    /// <summary>Writes a hold to Redis without waiting for the answer (extending, never shortening, the fleet's).</summary>
    private void WriteHold(DateTimeOffset until)
    {
        var ahead = until - _time.GetUtcNow();
        if (ahead <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            _redis.GetDatabase().ScriptEvaluate(FleetScripts.Hold, _holdKeys, [Micros(ahead), _holdChannel.ToString()], CommandFlags.FireAndForget);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            Failed(e); // the local hold still applies
        }
    }

    /// <summary>
    /// Redis answers again (maybe restarted empty): a hold this process knows of goes back at once, so that a process
    /// that never saw it does not send before it ends.
    /// </summary>
    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Interactive && _local.Held > _time.GetUtcNow())
        {
            WriteHold(_local.Held);
        }
    }

    /// <summary>A hold another process (or this one) announced: how far ahead it ends, in microseconds, when sent.</summary>
    private void OnHoldAnnounced(RedisChannel channel, RedisValue message)
    {
        if (message.TryParse(out long ahead) && ahead > 0)
        {
            _local.HoldUntil(_time.GetUtcNow() + Ahead(ahead));
        }
    }

    private void Failed(Exception e)
    {
        if (Volatile.Read(ref _disposeState) != 0)
        {
            return; // a command cut short by disposal: not a Redis failure, and no warning
        }

        Interlocked.Increment(ref _failures);
        FailureCounter.Add(1);
        Interlocked.Exchange(ref _retryRedisAtTicks, (_time.GetUtcNow() + _options.RedisRetryInterval).UtcTicks);
        if (Interlocked.Exchange(ref _onFallback, 1) == 0)
        {
            if (Volatile.Read(ref _reached) == 1)
            {
                // Redis may have given slots up to ReserveAhead past now to any process before it went: the local
                // budget starts after them, so the slots still to go out and the local ones do not add up.
                _local.FromRedis(null, _time.GetUtcNow() + ReserveAhead, keepShare: false);
            }

            if (_options.OnRedisFailure == ZapierRedisFailureMode.Refuse)
            {
                RedisBudgetLog.RedisFailedRefusing(_log, e.GetType().Name, e.Message);
            }
            else
            {
                RedisBudgetLog.RedisFailed(_log, LocalRequestsPerMinute, e.GetType().Name, e.Message);
            }
        }
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (retryAfter is { } after && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = after;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
