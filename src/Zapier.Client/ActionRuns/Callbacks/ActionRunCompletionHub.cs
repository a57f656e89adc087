using Zapier.Client.Budget;
using Zapier.Client.Telemetry;

namespace Zapier.Client.ActionRuns;

/// <summary>
/// One per client core with a completion channel: hands each completion to the waits on its run, and keeps a
/// completion nobody waits on yet (its callback beat the wait) for <see cref="KeepFor"/>, at most
/// <see cref="MaxKept"/> of them, so a wait that starts a moment later still ends on it.
/// </summary>
internal sealed class ActionRunCompletionHub : IDisposable
{
    /// <summary>How long a completion nobody waited on is kept.</summary>
    public static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How many such completions are kept at most (the oldest go first): more than the 600 runs a budget of 60 requests
    /// a minute can start in <see cref="KeepFor"/>.
    /// </summary>
    public const int MaxKept = 1000;

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly RequestScheduler _scheduler;
    private readonly ZapierLog _log;
    private readonly Dictionary<string, Listener> _listeners = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (ActionRunCompletion Completion, DateTimeOffset At)> _kept = new(StringComparer.Ordinal);
    private readonly Queue<(string RunId, DateTimeOffset At)> _keptOrder = new();
    private readonly IDisposable _subscription;

    public ActionRunCompletionHub(IActionRunCompletionChannel channel, TimeProvider time, RequestScheduler scheduler, ZapierLog log)
    {
        _time = time;
        _scheduler = scheduler;
        _log = log;
        _subscription = channel.Subscribe(Deliver);
    }

    /// <summary>Completions kept now (tests).</summary>
    internal int KeptCount
    {
        get
        {
            lock (_gate)
            {
                return _kept.Count;
            }
        }
    }

    /// <summary>
    /// Starts listening for run <paramref name="runId"/>. When its completion already arrived (and is still kept),
    /// the listener gets it at once.
    /// </summary>
    public void Listen(Listener listener, string runId)
    {
        ActionRunCompletion? early = null;
        lock (_gate)
        {
            Expire(_time.GetUtcNow());
            if (_kept.TryGetValue(runId, out var kept))
            {
                early = kept.Completion; // left in place: another wait on the same run may start too
            }
            else
            {
                listener.Next = _listeners.GetValueOrDefault(runId);
                _listeners[runId] = listener;
            }
        }

        if (early is not null)
        {
            Complete(listener, early);
        }
    }

    /// <summary>Stops listening (the wait ended in any way).</summary>
    public void Stop(Listener listener, string runId)
    {
        lock (_gate)
        {
            if (!_listeners.TryGetValue(runId, out var first))
            {
                return;
            }

            if (ReferenceEquals(first, listener))
            {
                if (listener.Next is null)
                {
                    _listeners.Remove(runId);
                }
                else
                {
                    _listeners[runId] = listener.Next;
                }

                return;
            }

            for (var previous = first; previous.Next is not null; previous = previous.Next)
            {
                if (ReferenceEquals(previous.Next, listener))
                {
                    previous.Next = listener.Next;
                    return;
                }
            }
        }
    }

    public void Dispose() => _subscription.Dispose();

    private void Deliver(ActionRunCompletion completion)
    {
        Listener? listeners;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_listeners.Remove(completion.RunId, out listeners))
            {
                // handed over below, outside the lock
            }
            else if (!_kept.ContainsKey(completion.RunId))
            {
                Expire(now);
                while (_kept.Count >= MaxKept && _keptOrder.TryDequeue(out var oldest))
                {
                    Forget(oldest);
                }

                _kept[completion.RunId] = (completion, now);
                _keptOrder.Enqueue((completion.RunId, now));
            }
        }

        _log.CallbackArrived(completion.RunId, completion.Status.Value, listeners is null ? "kept for a wait that has not started" : "handed to its waits");
        for (var listener = listeners; listener is not null; listener = listener.Next)
        {
            Complete(listener, completion);
        }
    }

    private void Complete(Listener listener, ActionRunCompletion completion)
    {
        if (listener.TrySet(completion))
        {
            _scheduler.Wake(listener);
        }
    }

    private void Expire(DateTimeOffset now)
    {
        while (_keptOrder.TryPeek(out var oldest) && now - oldest.At >= KeepFor)
        {
            _keptOrder.Dequeue();
            Forget(oldest);
        }
    }

    private void Forget((string RunId, DateTimeOffset At) entry)
    {
        if (_kept.TryGetValue(entry.RunId, out var kept) && kept.At == entry.At)
        {
            _kept.Remove(entry.RunId);
        }
    }

    /// <summary>One wait listening for its run's completion; waking it ends the wait's sleep. Kept small: one per pending wait.</summary>
    internal sealed class Listener : RequestScheduler.Wakeup
    {
        private ActionRunCompletion? _completion;

        /// <summary>The next listener on the same run (guarded by the hub's lock).</summary>
        public Listener? Next { get; set; }

        /// <summary>The run's completion once its callback arrived.</summary>
        public ActionRunCompletion? Completion => Volatile.Read(ref _completion);

        /// <summary>Records <paramref name="completion"/>; false when one was recorded already.</summary>
        public bool TrySet(ActionRunCompletion completion) => Interlocked.CompareExchange(ref _completion, completion, null) is null;
    }
}
