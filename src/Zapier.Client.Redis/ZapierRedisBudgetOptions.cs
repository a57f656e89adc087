using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Zapier.Client.Redis;

/// <summary>What <see cref="ZapierRedisBudget"/> does while Redis cannot be reached (or answers too slowly).</summary>
public enum ZapierRedisFailureMode
{
    /// <summary>
    /// Each process spaces its own requests at the smaller limit divided by <see cref="ZapierRedisBudgetOptions.FleetSize"/>
    /// (required in this mode; so the fleet stays under the limit), and after any server hold it knows of, logs a
    /// warning and counts the permits; Redis is asked again after
    /// <see cref="ZapierRedisBudgetOptions.RedisRetryInterval"/>.
    /// </summary>
    LocalBudget,

    /// <summary>
    /// Requests are refused, nothing sent; Redis is asked again after <see cref="ZapierRedisBudgetOptions.RedisRetryInterval"/>.
    /// The client treats a refusal as transient: a call is tried again after its retry backoff (3 retries by default)
    /// and then fails with <c>ZapierBudgetException</c> (set <c>MaxRetries = 0</c> to fail at once); action-run polls
    /// keep trying until their deadline.
    /// </summary>
    Refuse,
}

/// <summary>Settings of a <see cref="ZapierRedisBudget"/>: where Redis is, whose budget it is, the limits and the fault behaviour.</summary>
public sealed class ZapierRedisBudgetOptions
{
    /// <summary>A StackExchange.Redis configuration string, such as <c>redis:6379</c>; or set <see cref="Connection"/>.</summary>
    public string? Configuration { get; set; }

    /// <summary>
    /// A connection you already have (the budget does not dispose it); takes precedence over <see cref="Configuration"/>.
    /// Without a <c>ChannelPrefix</c>: the hold announcements are published by a script under the channel's plain name,
    /// so a prefixed subscription misses them (holds then reach other processes only with their next reservation).
    /// </summary>
    public IConnectionMultiplexer? Connection { get; set; }

    /// <summary>
    /// Whose limit this is: every process with the same partner (for example your Zapier client id) shares the per-partner
    /// limit, and only they do. Required.
    /// </summary>
    public string? Partner { get; set; }

    /// <summary>
    /// The name of the egress address this process sends from; processes with the same name share the per-address limit.
    /// Defaults to <c>shared</c>, which treats the whole fleet as one address (the safe choice when you do not know).
    /// </summary>
    public string EgressAddress { get; set; } = "shared";

    /// <summary>Requests a minute allowed per egress address; defaults to 60, Zapier's per-IP limit.</summary>
    public int RequestsPerMinutePerEgress { get; set; } = 60;

    /// <summary>Requests a minute allowed per partner, over all addresses; defaults to 150, Zapier's per-partner limit.</summary>
    public int RequestsPerMinutePerPartner { get; set; } = 150;

    /// <summary>Prefix of every key the budget writes, to keep it apart from other data in the same Redis; defaults to <c>zapier:budget:</c>.</summary>
    public string KeyPrefix { get; set; } = "zapier:budget:";

    /// <summary>What to do while Redis is unreachable or slow; defaults to <see cref="ZapierRedisFailureMode.LocalBudget"/>.</summary>
    public ZapierRedisFailureMode OnRedisFailure { get; set; } = ZapierRedisFailureMode.LocalBudget;

    /// <summary>
    /// How many processes share the budget; with <see cref="ZapierRedisFailureMode.LocalBudget"/> each of them spaces its
    /// requests at the smaller limit divided by this while Redis is out. Required with
    /// <see cref="ZapierRedisFailureMode.LocalBudget"/> (the default mode): a guessed 1 would let every process use the
    /// whole limit while Redis is out. Not used with <see cref="ZapierRedisFailureMode.Refuse"/>.
    /// </summary>
    public int? FleetSize { get; set; }

    /// <summary>Longest wait for one Redis command (and for connecting) before the failure mode applies; defaults to 1 second.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long after a failed Redis command the failure mode applies before Redis is asked again; defaults to 1 second.
    /// The shorter, the sooner a fleet is back on one budget after an outage (while some processes still keep to their
    /// local share and others are back on Redis, the fleet can go over the limit by up to this long at the local rate).
    /// </summary>
    public TimeSpan RedisRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The clock for local waits; defaults to the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where the budget logs falling back to a local budget and returning to Redis; none by default.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// The window the limits are counted over: a minute (so the limits are "per minute"); shorter only in tests, which
    /// check the window guarantee in seconds.
    /// </summary>
    internal TimeSpan LimitWindow { get; set; } = TimeSpan.FromMinutes(1);

    internal ZapierRedisBudgetOptions Clone() => (ZapierRedisBudgetOptions)MemberwiseClone();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is unusable.</summary>
    internal void Validate()
    {
        if (Connection is null && string.IsNullOrWhiteSpace(Configuration))
        {
            throw new ArgumentException("Set Configuration (for example \"redis:6379\") or Connection.", nameof(Configuration));
        }

        if (string.IsNullOrWhiteSpace(Partner))
        {
            throw new ArgumentException("Partner is required: the name every process of the same Zapier partner shares, such as its client id.", nameof(Partner));
        }

        if (string.IsNullOrWhiteSpace(EgressAddress))
        {
            throw new ArgumentException("EgressAddress must not be empty.", nameof(EgressAddress));
        }

        ArgumentNullException.ThrowIfNull(KeyPrefix, nameof(KeyPrefix));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        ArgumentOutOfRangeException.ThrowIfLessThan(RequestsPerMinutePerEgress, 1, nameof(RequestsPerMinutePerEgress));
        ArgumentOutOfRangeException.ThrowIfLessThan(RequestsPerMinutePerPartner, 1, nameof(RequestsPerMinutePerPartner));
        if (FleetSize is null && OnRedisFailure == ZapierRedisFailureMode.LocalBudget)
        {
            throw new ArgumentException(
                "FleetSize is required with OnRedisFailure = LocalBudget (the default): set it to the number of processes sharing the budget, " +
                "so that each keeps to its share of the limit while Redis is out (or set OnRedisFailure = Refuse).", nameof(FleetSize));
        }

        if (FleetSize is { } fleet)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(fleet, 1, nameof(FleetSize));
        }
        if (OperationTimeout <= TimeSpan.Zero || OperationTimeout > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentOutOfRangeException(nameof(OperationTimeout), OperationTimeout, "OperationTimeout must be positive and at most a minute.");
        }

        if (RedisRetryInterval <= TimeSpan.Zero || RedisRetryInterval > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentOutOfRangeException(nameof(RedisRetryInterval), RedisRetryInterval, "RedisRetryInterval must be positive and at most a minute.");
        }

        if (!Enum.IsDefined(OnRedisFailure))
        {
            throw new ArgumentOutOfRangeException(nameof(OnRedisFailure), OnRedisFailure, "OnRedisFailure is not a known mode.");
        }
    }
}
