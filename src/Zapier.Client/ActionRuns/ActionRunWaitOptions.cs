namespace Zapier.Client.ActionRuns;

/// <summary>
/// How a wait on an action run polls. Defaults are tuned for Zapier's limit of 60 requests per minute per IP
/// (see the README): the first poll after 1.3 s, each delay 1.5 times the previous, at most 30 s apart, ±5 % jitter,
/// never two polls of one run within 1 s, a 15-minute deadline and 30 s per poll.
/// </summary>
public sealed record ActionRunWaitOptions
{
    /// <summary>Delay before the first poll.</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(1.3);

    /// <summary>Factor applied to the delay after each poll that found the run in progress.</summary>
    public double Multiplier { get; init; } = 1.5;

    /// <summary>
    /// Upper bound of the delay between two polls (server hints may ask for more). After a failed poll (429, 408, 5xx,
    /// a network failure or the poll's timeout) the next delay is at least twice the previous one and at least 1 s, up
    /// to this bound; a successful poll returns to the normal schedule.
    /// </summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Random spread applied to each delay, as a fraction (0.05 = ±5 %), so many waits do not poll in step.</summary>
    public double Jitter { get; init; } = 0.05;

    /// <summary>Minimum time between two polls of the same run, whatever the other settings say.</summary>
    public TimeSpan MinimumInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long after it began a wait gives up (its deadline). No poll starts after the deadline: a poll in
    /// flight when it passes is the last one, otherwise one last poll is made at the deadline. So the wait throws
    /// <see cref="ActionRunTimeoutException"/> at most <c>Timeout + min(PollTimeout, Timeout)</c> after it began
    /// (15 min 30 s with the defaults).
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Time allowed for one poll, clipped to <see cref="Timeout"/> (a single poll never gets longer than the whole
    /// wait); a poll that takes longer counts as a failed poll.
    /// </summary>
    public TimeSpan PollTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The time one poll is allowed: <see cref="PollTimeout"/>, at most <see cref="Timeout"/>.</summary>
    internal TimeSpan EffectivePollTimeout => PollTimeout < Timeout ? PollTimeout : Timeout;

    /// <summary>
    /// Time between the safety polls of a run whose callback is expected (started with a callback URL by a client
    /// with a completion channel), instead of the schedule above; each is up to <see cref="Jitter"/> shorter. 6 minutes
    /// by default: longer than a 5-minute run, so such a run costs its create alone, while a lost callback still ends
    /// the wait within about 6 minutes (and at the deadline at the latest).
    /// </summary>
    public TimeSpan SafetyPollInterval { get; init; } = TimeSpan.FromMinutes(6);

    /// <summary>When true, a run that ends with status <c>error</c> throws <see cref="ActionRunFailedException"/>.</summary>
    public bool ThrowOnError { get; init; }

    /// <summary>
    /// Statuses beyond those the client classifies as in progress (<see cref="ActionRunStatus.IsInProgress"/>) that keep
    /// this wait polling, for values the schema does not know yet (for example <c>["paused"]</c>). Without this, a
    /// status the client does not know ends the wait at the poll or callback that brings it; with it, such a callback
    /// does not end the wait, which polls on its normal schedule. Compared as sent (ordinal, case-sensitive). Empty by
    /// default; a status the client classifies as finished (<c>success</c>, <c>error</c>) cannot be listed.
    /// </summary>
    public IReadOnlyCollection<string> InProgressStatuses { get; init; } = [];

    /// <summary>True when <paramref name="status"/> keeps this wait going: in progress for the client or listed above.</summary>
    internal bool KeepsWaiting(ActionRunStatus status) =>
        status.IsInProgress || (InProgressStatuses.Count > 0 && InProgressStatuses.Contains(status.Value, StringComparer.Ordinal));

    /// <summary>True when <paramref name="state"/> has a status and that status ends this wait.</summary>
    internal bool Ends(ActionRunState state) => state.Status is { } status && !KeepsWaiting(status);

    /// <summary>The defaults.</summary>
    public static ActionRunWaitOptions Default { get; } = new();

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range, or, for
    /// <see cref="InProgressStatuses"/>, <see cref="ArgumentNullException"/> when it is null and
    /// <see cref="ArgumentException"/> when it holds a null or empty status or one the client classifies as finished
    /// (<c>success</c>, <c>error</c>).
    /// </summary>
    public void Validate()
    {
        Positive(InitialDelay, nameof(InitialDelay), allowZero: true);
        Positive(MaxDelay, nameof(MaxDelay), allowZero: false);
        Positive(MinimumInterval, nameof(MinimumInterval), allowZero: true);
        Positive(Timeout, nameof(Timeout), allowZero: false);
        Positive(PollTimeout, nameof(PollTimeout), allowZero: false);
        Positive(SafetyPollInterval, nameof(SafetyPollInterval), allowZero: false);
        if (double.IsNaN(Multiplier) || Multiplier < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Multiplier), Multiplier, "Multiplier must be at least 1.");
        }

        if (double.IsNaN(Jitter) || Jitter is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Jitter), Jitter, "Jitter must be at least 0 and below 1.");
        }

        ArgumentNullException.ThrowIfNull(InProgressStatuses, nameof(InProgressStatuses));
        foreach (var status in InProgressStatuses)
        {
            if (string.IsNullOrEmpty(status))
            {
                throw new ArgumentException("InProgressStatuses must not contain a null or empty status.", nameof(InProgressStatuses));
            }

            if (ActionRunStatus.Classification.TryGetValue(status, out var inProgress) && !inProgress)
            {
                throw new ArgumentException($"InProgressStatuses must not contain '{status}': that status ends a run.", nameof(InProgressStatuses));
            }
        }
    }

    private static void Positive(TimeSpan value, string name, bool allowZero)
    {
        if (value < TimeSpan.Zero || (!allowZero && value == TimeSpan.Zero) || value > TimeSpan.FromDays(7))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be {(allowZero ? "zero or more" : "positive")} and at most 7 days.");
        }
    }
}
