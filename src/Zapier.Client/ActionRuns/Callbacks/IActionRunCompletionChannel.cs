namespace Zapier.Client.ActionRuns;

/// <summary>
/// Carries verified action-run callbacks from the receiver that got them to the clients waiting on those runs. The
/// receiver (<c>Zapier.Client.AspNetCore</c>) publishes; every <see cref="ZapierClient"/> configured with the channel
/// (<see cref="ZapierClientOptions.ActionRunCompletions"/>) subscribes, so a wait ends as soon as its run's callback
/// arrives. <see cref="InProcessActionRunCompletionChannel"/> reaches waits in the receiver's own process only; a
/// channel shared by several processes (a callback may land on another instance than the one waiting) implements this
/// interface over a message bus.
/// </summary>
public interface IActionRunCompletionChannel
{
    /// <summary>
    /// Hands <paramref name="completion"/> to every subscriber, in this process and, for a shared channel, in the
    /// others. Completes once the completion is on its way; a failure means it may not arrive (the receiver then answers
    /// 503, so that Zapier delivers the callback again).
    /// </summary>
    ValueTask PublishAsync(ActionRunCompletion completion, CancellationToken cancellationToken = default);

    /// <summary>
    /// Calls <paramref name="handler"/> for every completion published from now on, until the returned object is
    /// disposed. The handler is quick and does not throw; it may run on any thread.
    /// </summary>
    IDisposable Subscribe(Action<ActionRunCompletion> handler);
}
