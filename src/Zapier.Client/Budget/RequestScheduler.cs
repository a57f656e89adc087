namespace Zapier.Client.Budget;

/// <summary>
/// One clock for everything a client waits for, on a single timer, so many concurrent waits cost no thread and no
/// timer each: the delays between action-run polls, HTTP retry backoffs (Polly sleeps on
/// <see cref="SchedulerTimeProvider"/>), the server's hold (Retry-After, X-RateLimit-*) and the default request
/// budget's evenly spaced slots (<see cref="SchedulerRateLimiter"/>). Slot waits queue in lanes, one per user of the
/// client (<see cref="ZapierClient.ForUser(string)"/>) plus one for calls made without a user, and contended slots go
/// round-robin between lanes: one user's thousand queued requests delay another user's request by at most one slot
/// per other waiting user, not by a thousand.
/// </summary>
internal sealed class RequestScheduler : IDisposable
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly PriorityQueue<Waiter, (DateTimeOffset Due, long Sequence)> _delays = new();
    // Slot waits: one FIFO lane per user key; the ring holds the lanes that have waiters, served in turn.
    private readonly Lane _defaultLane = new(null);
    private readonly Dictionary<object, Lane> _lanes = [];
    private readonly Queue<Lane> _ring = new();
    private readonly ITimer _timer;
    private readonly TimeSpan _interval;
    private long _sequence;
    private int _queued;
    private DateTimeOffset _nextSlot = DateTimeOffset.MinValue;
    private DateTimeOffset _heldUntil = DateTimeOffset.MinValue;
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

    /// <summary>
    /// Completes at <paramref name="due"/>, or earlier when <paramref name="wakeup"/> is woken (at once if it already
    /// was): an action-run wait sleeps this way so that its callback ends the sleep.
    /// </summary>
    public Task DelayUntilAsync(DateTimeOffset due, Wakeup? wakeup, CancellationToken cancellationToken)
    {
        if (wakeup is null || cancellationToken.IsCancellationRequested)
        {
            return DelayUntilAsync(due, cancellationToken); // a cancelled sleep is never queued: Wake must not count it
        }

        var waiter = new Waiter(due, consumesSlot: false);
        lock (_gate)
        {
            if (wakeup.Woken)
            {
                return Task.CompletedTask;
            }

            wakeup.Sleeping = waiter;
        }

        return Enqueue(waiter, cancellationToken);
    }

    /// <summary>The end of the server's hold, if one is in force.</summary>
    public DateTimeOffset? HeldUntil
    {
        get
        {
            lock (_gate)
            {
                return _heldUntil > _time.GetUtcNow() ? _heldUntil : null;
            }
        }
    }

    /// <summary>The time of the next free slot of the default budget (now or earlier when one is free).</summary>
    public DateTimeOffset NextSlot
    {
        get
        {
            lock (_gate)
            {
                return _nextSlot > _heldUntil ? _nextSlot : _heldUntil;
            }
        }
    }

    /// <summary>Slots waited for now.</summary>
    public int QueuedSlots
    {
        get
        {
            lock (_gate)
            {
                var count = 0;
                foreach (var lane in _ring)
                {
                    count += lane.Waiters.Count(w => !w.Done);
                }

                return count;
            }
        }
    }

    /// <summary>A one-shot or periodic timer whose firing is a queued delay of this scheduler.</summary>
    public ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new SchedulerTimer(this, callback, state, dueTime, period);

    /// <summary>Completes when the request budget allows one more request, which it then counts.</summary>
    /// <param name="lane">The user the request is for (null: no user); contended slots go round-robin between users.</param>
    /// <param name="cancellationToken">Gives up the wait.</param>
    public Task AcquireSlotAsync(object? lane, CancellationToken cancellationToken) =>
        Enqueue(new Waiter(_time.GetUtcNow(), consumesSlot: true) { Lane = lane }, cancellationToken);

    /// <summary>
    /// Like <see cref="AcquireSlotAsync"/>, but gives up at <paramref name="giveUpAt"/>: completes with true when a
    /// slot was taken (and counted), with false when that time came first. One queued wait, so drivers of fake time
    /// see the give-up time as a wake-up.
    /// </summary>
    public async Task<bool> AcquireSlotBeforeAsync(DateTimeOffset giveUpAt, object? lane, CancellationToken cancellationToken)
    {
        var waiter = new Waiter(giveUpAt, consumesSlot: true) { CanGiveUp = true, Lane = lane };
        await Enqueue(waiter, cancellationToken).ConfigureAwait(false);
        return !waiter.GaveUp;
    }

    /// <summary>Counts one request against the budget if a slot is free right now; never waits.</summary>
    public bool TryAcquireSlotNow()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_ring.Count > 0 || now < _nextSlot || now < _heldUntil)
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
            if (until <= _heldUntil)
            {
                return;
            }

            _heldUntil = until;
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
            pending = [.. _ring.SelectMany(l => l.Waiters).Where(w => !w.Done), .. _delays.UnorderedItems.Select(i => i.Element).Where(w => !w.Done)];
            foreach (var waiter in pending)
            {
                waiter.Done = true;
            }

            foreach (var lane in _ring)
            {
                lane.Waiters.Clear();
            }

            _ring.Clear();
            _lanes.Clear();
            _delays.Clear();
            _queued = 0;
            SignalLocked();
        }

        foreach (var waiter in pending)
        {
            waiter.Registration.Dispose();
            waiter.Completion?.TrySetException(new ObjectDisposedException(nameof(ZapierClient), "The client was disposed while this wait was pending."));
        }
    }

    private void Schedule(Waiter waiter)
    {
        lock (_gate)
        {
            _delays.Enqueue(waiter, (waiter.Due, _sequence++));
            _queued++;
            SignalLocked();
        }

        Pump();
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
                EnqueueSlotLocked(waiter);
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
            waiter.Owner = this;
            var registration = cancellationToken.Register(static (state, token) => ((Waiter)state!).Owner!.Cancel((Waiter)state, token), waiter);
            bool released;
            lock (_gate)
            {
                // Under the lock: whoever releases the waiter later sees the registration and disposes it.
                released = waiter.Done;
                if (!released)
                {
                    waiter.Registration = registration;
                }
            }

            if (released)
            {
                registration.Dispose(); // released before it was registered: nothing else would dispose it
            }
        }

        Pump();
        return waiter.Completion!.Task;
    }

    /// <summary>Ends the sleep <paramref name="wakeup"/> is in (or the next one it starts) now.</summary>
    public void Wake(Wakeup wakeup)
    {
        Waiter? waiter;
        lock (_gate)
        {
            wakeup.Woken = true;
            waiter = (Waiter?)wakeup.Sleeping;
            wakeup.Sleeping = null;
            if (waiter is null || waiter.Done)
            {
                return;
            }

            waiter.Done = true; // left in its queue and skipped when reached
            _queued--;
            SignalLocked();
        }

        waiter.Registration.Dispose();
        waiter.Completion?.TrySetResult();
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

        waiter.Completion?.TrySetCanceled(token);
    }

    /// <summary>Takes a timer's pending firing out of the queue (it is skipped when reached).</summary>
    private void Unschedule(Waiter waiter)
    {
        lock (_gate)
        {
            if (waiter.Done)
            {
                return;
            }

            waiter.Done = true;
            _queued--;
            SignalLocked();
        }
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

            while (PeekSlotLocked() is { } next && (next.Done || (now >= _nextSlot && now >= _heldUntil)))
            {
                DequeueSlotLocked();
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
                if (waiter.Timer is { } timer)
                {
                    try
                    {
                        timer.Fire();
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        // A timer's callback belongs to whoever created the timer; its failure must not fail whoever
                        // happened to pump the queue (a request, a wait, the timer thread). The client's own callbacks
                        // do not throw (TimeLimit.CancelQuietly); this guards the rest.
                        _ = e;
                    }
                }
                else
                {
                    waiter.Completion!.TrySetResult();
                }
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
        var slot = _nextSlot > _heldUntil ? _nextSlot : _heldUntil;
        if (PeekSlotLocked() is not null && (wake is null || slot < wake))
        {
            wake = slot;
        }

        return wake;
    }

    private void EnqueueSlotLocked(Waiter waiter)
    {
        Lane lane;
        if (waiter.Lane is not { } key)
        {
            lane = _defaultLane;
        }
        else if (!_lanes.TryGetValue(key, out lane!))
        {
            lane = new Lane(key);
            _lanes.Add(key, lane);
        }

        lane.Waiters.Enqueue(waiter);
        if (!lane.InRing)
        {
            lane.InRing = true;
            _ring.Enqueue(lane);
        }
    }

    /// <summary>
    /// The slot wait to serve next: the head of the lane whose turn it is. Lanes left empty (their waits cancelled or
    /// given up) leave the ring here.
    /// </summary>
    private Waiter? PeekSlotLocked()
    {
        while (_ring.TryPeek(out var lane))
        {
            if (lane.Waiters.TryPeek(out var head))
            {
                return head;
            }

            RetireLocked(_ring.Dequeue());
        }

        return null;
    }

    /// <summary>Takes the head of the current lane; a served live wait passes the turn to the next lane.</summary>
    private void DequeueSlotLocked()
    {
        var lane = _ring.Peek();
        var served = lane.Waiters.Dequeue();
        if (served.Done && lane.Waiters.Count > 0)
        {
            return; // a cancelled wait was skipped: the lane keeps its turn
        }

        _ring.Dequeue();
        if (lane.Waiters.Count > 0)
        {
            _ring.Enqueue(lane);
        }
        else
        {
            RetireLocked(lane);
        }
    }

    private void RetireLocked(Lane lane)
    {
        lane.InRing = false;
        if (lane.Key is { } key)
        {
            _lanes.Remove(key); // a user with nothing queued costs nothing
        }
    }

    private void SignalLocked()
    {
        var changed = _changed;
        _changed = null;
        changed?.TrySetResult();
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private sealed class Waiter(DateTimeOffset due, bool consumesSlot, SchedulerTimer? timer = null)
    {
        public DateTimeOffset Due { get; } = due;

        public bool ConsumesSlot { get; } = consumesSlot;

        /// <summary>Completed when released; null for a timer's firing, which calls the timer instead.</summary>
        public TaskCompletionSource? Completion { get; } = timer is null ? new(TaskCreationOptions.RunContinuationsAsynchronously) : null;

        public SchedulerTimer? Timer { get; } = timer;

        public CancellationTokenRegistration Registration { get; set; }

        /// <summary>Set when the wait can be cancelled: the cancellation callback's only state.</summary>
        public RequestScheduler? Owner { get; set; }

        public bool Done { get; set; }

        /// <summary>A slot wait that is also queued as a delay until <see cref="Due"/>, when it gives up.</summary>
        public bool CanGiveUp { get; init; }

        public bool GaveUp { get; set; }

        /// <summary>The user whose lane a slot wait queues in (null: the lane of calls without a user).</summary>
        public object? Lane { get; init; }
    }

    /// <summary>The queued slot waits of one user, in order.</summary>
    private sealed class Lane(object? key)
    {
        public object? Key { get; } = key;

        public Queue<Waiter> Waiters { get; } = new();

        public bool InRing { get; set; }
    }

    /// <summary>
    /// Lets something other than the clock end a sleep of <see cref="DelayUntilAsync(DateTimeOffset, Wakeup?, CancellationToken)"/>
    /// early (<see cref="Wake"/>); once woken, every later sleep with it ends at once. One per action-run wait that
    /// listens for callbacks, so it holds nothing it does not need.
    /// </summary>
    internal class Wakeup
    {
        /// <summary>The sleep in progress (a private <c>Waiter</c>), if any; guarded by the scheduler's lock.</summary>
        internal object? Sleeping { get; set; }

        /// <summary>True once <see cref="Wake"/> was called (guarded by the scheduler's lock).</summary>
        internal bool Woken { get; set; }
    }

    /// <summary>
    /// A timer on the scheduler's clock: each firing is a queued delay, so code that sleeps through a
    /// <see cref="TimeProvider"/> (Polly's retry) waits in the same queue as everything else.
    /// </summary>
    private sealed class SchedulerTimer : ITimer
    {
        private readonly RequestScheduler _owner;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private readonly Lock _gate = new();
        private Waiter? _pending;
        private TimeSpan _period = Timeout.InfiniteTimeSpan;
        private bool _disposed;

        public SchedulerTimer(RequestScheduler owner, TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _owner = owner;
            _callback = callback;
            _state = state;
            Change(dueTime, period);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Waiter? previous;
            Waiter? next = null;
            lock (_gate)
            {
                if (_disposed)
                {
                    return false;
                }

                previous = _pending;
                _period = period;
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    next = new Waiter(_owner._time.GetUtcNow() + dueTime, consumesSlot: false, this);
                }

                _pending = next;
            }

            if (previous is not null)
            {
                _owner.Unschedule(previous);
            }

            if (next is not null)
            {
                _owner.Schedule(next);
            }

            return true;
        }

        public void Fire()
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                _pending = null;
            }

            _callback(_state);
            lock (_gate)
            {
                if (_disposed || _pending is not null || _period == Timeout.InfiniteTimeSpan || _period <= TimeSpan.Zero)
                {
                    return;
                }
            }

            Change(_period, _period);
        }

        public void Dispose()
        {
            Waiter? pending;
            lock (_gate)
            {
                _disposed = true;
                pending = _pending;
                _pending = null;
            }

            if (pending is not null)
            {
                _owner.Unschedule(pending);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
