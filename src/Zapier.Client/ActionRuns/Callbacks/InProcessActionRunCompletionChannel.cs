namespace Zapier.Client.ActionRuns;

/// <summary>
/// The default <see cref="IActionRunCompletionChannel"/>: hands each completion to the subscribers of this instance,
/// in this process, before <see cref="PublishAsync"/> returns. A callback received by another process (another
/// instance behind the same callback URL) does not reach waits here; those end on their safety polls.
/// </summary>
public sealed class InProcessActionRunCompletionChannel : IActionRunCompletionChannel
{
    private readonly Lock _gate = new();
    private Action<ActionRunCompletion>[] _handlers = [];

    /// <inheritdoc />
    public ValueTask PublishAsync(ActionRunCompletion completion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(completion);
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var handler in Volatile.Read(ref _handlers))
        {
            handler(completion);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public IDisposable Subscribe(Action<ActionRunCompletion> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            _handlers = [.. _handlers, handler]; // copy on write: publishing never takes the lock
        }

        return new Subscription(this, handler);
    }

    private void Unsubscribe(Action<ActionRunCompletion> handler)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_handlers, handler);
            if (index >= 0)
            {
                _handlers = [.. _handlers[..index], .. _handlers[(index + 1)..]];
            }
        }
    }

    private sealed class Subscription(InProcessActionRunCompletionChannel owner, Action<ActionRunCompletion> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Unsubscribe(handler);
            }
        }
    }
}
