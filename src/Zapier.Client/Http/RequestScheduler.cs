namespace Zapier.Client.Http;

/// <summary>
/// One clock and one request budget for a client: every wait between polls and every request goes through it, on
/// a single timer, so many concurrent waits cost no thread and no timer each. The budget spaces requests evenly at
/// the configured rate and is tightened by what the server says (Retry-After, X-RateLimit-Remaining/Reset).
/// </summary>
internal sealed class RequestScheduler : IDisposable
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly PriorityQueue<Waiter, (DateTimeOffset Due, long Sequence)> _delays = new();
    private readonly Queue<Waiter> _slots = new();
    private readonly ITimer _timer;
    private readonly TimeSpan _interval;
    private long _sequence;
    private int _queued;
    private DateTimeOffset _nextSlot = DateTimeOffset.MinValue;
    private TaskCompletionSource? _changed;

    public RequestScheduler(TimeProvider time, int requestsPerMinute)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(requestsPerMinute, 1);
        _time = time;
        _interval = TimeSpan.FromMinutes(1) / requestsPerMinute;
        _timer = time.CreateTimer(_ => Pump(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public TimeProvider Time => _time;

    /// <summary>Waits that are queued now (delays and requests waiting for budget).</summary>
    internal int Queued
    {
        get
        {
            lock (_gate)
            {
                return _queued;
            }
        }
    }

    /// <summary>When the scheduler will next release something, if anything is queued.</summary>
    internal DateTimeOffset? NextWake
    {
        get
        {
            lock (_gate)
            {
                return NextWakeLocked();
            }
        }
    }

    /// <summary>Completes once until <see cref="Queued"/> changes (test and benchmark drivers use it).</summary>
    internal Task WhenChangedAsync()
    {
        lock (_gate)
        {
            _changed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _changed.Task;
        }
    }

    /// <summary>Completes at <paramref name="due"/> (or at once if it has passed).</summary>
    public Task DelayUntilAsync(DateTimeOffset due, CancellationToken cancellationToken) =>
        Enqueue(new Waiter(due, consumesSlot: false), cancellationToken);

    /// <summary>Completes when the request budget allows one more request, which it then counts.</summary>
    public Task AcquireSlotAsync(CancellationToken cancellationToken) =>
        Enqueue(new Waiter(_time.GetUtcNow(), consumesSlot: true), cancellationToken);

    /// <summary>
    /// Like <see cref="AcquireSlotAsync"/>, but gives up at <paramref name="giveUpAt"/>: completes with true when a
    /// slot was taken (and counted), with false when that time came first. One queued wait, so drivers of fake time
    /// see the give-up time as a wake-up.
    /// </summary>
    public async Task<bool> AcquireSlotBeforeAsync(DateTimeOffset giveUpAt, CancellationToken cancellationToken)
    {
        var waiter = new Waiter(giveUpAt, consumesSlot: true) { CanGiveUp = true };
        await Enqueue(waiter, cancellationToken).ConfigureAwait(false);
        return !waiter.GaveUp;
    }

    /// <summary>Counts one request against the budget if a slot is free right now; never waits.</summary>
    public bool TryAcquireSlotNow()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_slots.Count > 0 || now < _nextSlot)
            {
                return false;
            }

            _nextSlot = now + _interval;
            return true;
        }
    }

    /// <summary>Lets no request go before <paramref name="until"/> (a server hint for the whole client).</summary>
    public void HoldUntil(DateTimeOffset until)
    {
        lock (_gate)
        {
            if (until > _nextSlot)
            {
                _nextSlot = until;
            }
        }

        Pump();
    }

    /// <summary>Stops the timer and fails every queued wait with <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        _timer.Dispose();
        List<Waiter> pending;
        lock (_gate)
        {
            pending = [.. _slots.Where(w => !w.Done), .. _delays.UnorderedItems.Select(i => i.Element).Where(w => !w.Done)];
            foreach (var waiter in pending)
            {
                waiter.Done = true;
            }

            _slots.Clear();
            _delays.Clear();
            _queued = 0;
            SignalLocked();
        }

        foreach (var waiter in pending)
        {
            waiter.Registration.Dispose();
            waiter.Completion.TrySetException(new ObjectDisposedException(nameof(ZapierClient), "The client was disposed while this wait was pending."));
        }
    }

    private Task Enqueue(Waiter waiter, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        lock (_gate)
        {
            if (waiter.ConsumesSlot)
            {
                _slots.Enqueue(waiter);
            }

            if (!waiter.ConsumesSlot || waiter.CanGiveUp)
            {
                _delays.Enqueue(waiter, (waiter.Due, _sequence++));
            }

            _queued++;
            SignalLocked();
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.Register(static (state, token) => ((RequestScheduler)((object[])state!)[0]).Cancel((Waiter)((object[])state)[1], token), new object[] { this, waiter });
        }

        Pump();
        return waiter.Completion.Task;
    }

    private void Cancel(Waiter waiter, CancellationToken token)
    {
        lock (_gate)
        {
            if (waiter.Done)
            {
                return;
            }

            waiter.Done = true; // left in its queue and skipped when reached
            _queued--;
            SignalLocked();
        }

        waiter.Completion.TrySetCanceled(token);
    }

    private void Pump()
    {
        List<Waiter>? release = null;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            while (_delays.TryPeek(out var next, out var key) && (next.Done || key.Due <= now))
            {
                _delays.Dequeue();
                next.GaveUp = next.ConsumesSlot && !next.Done; // a slot wait whose give-up time came first
                Release(next, ref release);
            }

            while (_slots.TryPeek(out var next) && (next.Done || now >= _nextSlot))
            {
                _slots.Dequeue();
                if (!next.Done)
                {
                    _nextSlot = (now > _nextSlot ? now : _nextSlot) + _interval;
                    if (next.CanGiveUp)
                    {
                        _delays.Remove(next, out _, out _); // its give-up time no longer matters: no entry left behind per poll
                    }
                }

                Release(next, ref release);
            }

            var wake = NextWakeLocked();
            _timer.Change(wake is { } at ? Max(at - now, TimeSpan.Zero) : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            if (release is not null)
            {
                SignalLocked();
            }
        }

        if (release is not null)
        {
            foreach (var waiter in release)
            {
                waiter.Registration.Dispose();
                waiter.Completion.TrySetResult();
            }
        }
    }

    private void Release(Waiter waiter, ref List<Waiter>? release)
    {
        if (waiter.Done)
        {
            return;
        }

        waiter.Done = true;
        _queued--;
        (release ??= []).Add(waiter);
    }

    private DateTimeOffset? NextWakeLocked()
    {
        DateTimeOffset? wake = _delays.TryPeek(out _, out var key) ? key.Due : null;
        if (_slots.Count > 0 && (wake is null || _nextSlot < wake))
        {
            wake = _nextSlot;
        }

        return wake;
    }

    private void SignalLocked()
    {
        var changed = _changed;
        _changed = null;
        changed?.TrySetResult();
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private sealed class Waiter(DateTimeOffset due, bool consumesSlot)
    {
        public DateTimeOffset Due { get; } = due;

        public bool ConsumesSlot { get; } = consumesSlot;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Registration { get; set; }

        public bool Done { get; set; }

        /// <summary>A slot wait that is also queued as a delay until <see cref="Due"/>, when it gives up.</summary>
        public bool CanGiveUp { get; init; }

        public bool GaveUp { get; set; }
    }
}
