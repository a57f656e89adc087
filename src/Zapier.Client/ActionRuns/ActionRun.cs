using Zapier.Client.Generated.V2.ActionRuns.Item;
using Zapier.Client.Http;

namespace Zapier.Client.ActionRuns;

/// <summary>
/// An action run you can hold, refresh, wait on, and resume from its id alone (in another process or on a later day:
/// Zapier keeps a run's data for 7 days).
/// </summary>
public sealed class ActionRun
{
    private readonly ActionRunPoller _poller;
    private readonly ZapierClientCore _runtime;
    private readonly bool _callbackExpected;

    internal ActionRun(string id, ActionRunsItemRequestBuilder builder, ZapierClientCore runtime, bool callbackExpected = false)
    {
        Id = id;
        _runtime = runtime;
        _callbackExpected = callbackExpected;
        _poller = new ActionRunPoller(builder, runtime, id);
    }

    /// <summary>The run's id.</summary>
    public string Id { get; }

    /// <summary>The most recent state observed, or null before the first retrieval.</summary>
    public ActionRunState? LastState { get; internal set; }

    /// <summary>
    /// True when <see cref="LastState"/> has ended (<see cref="ActionRunState.HasEnded"/>): by the client's
    /// classification only, not by any wait's <see cref="ActionRunWaitOptions.InProgressStatuses"/>, which the run does
    /// not keep. A wait with such options may go on after this turned true.
    /// </summary>
    public bool HasCompleted => LastState is { HasEnded: true };

    /// <summary>Retrieves the run once and returns what it says now.</summary>
    public async Task<ActionRunState> UpdateStatusAsync(CancellationToken cancellationToken = default)
    {
        LastState = await _poller.PollOnceAsync(slotTaken: false, timeout: null, cancellationToken).ConfigureAwait(false);
        return LastState;
    }

    /// <summary>
    /// Waits until the run's status is neither in progress (<see cref="ActionRunStatus.IsInProgress"/>) nor listed in
    /// <see cref="ActionRunWaitOptions.InProgressStatuses"/> (by a poll or by the run's callback) and returns that state
    /// (an <c>error</c> run is a result unless <see cref="ActionRunWaitOptions.ThrowOnError"/> is set). The wait polls;
    /// with a completion channel (<see cref="ZapierClientOptions.ActionRunCompletions"/>) it also ends as soon as the
    /// run's verified callback arrives, and a run started with a callback URL is polled only every
    /// <see cref="ActionRunWaitOptions.SafetyPollInterval"/>, in case the callback is lost.
    /// </summary>
    /// <param name="options">Polling settings; the client's defaults when null.</param>
    /// <param name="progress">Told the status, poll count and next delay before each wait.</param>
    /// <param name="cancellationToken">Stops the wait (not the run) with <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="ActionRunTimeoutException">The deadline passed with the run still in progress.</exception>
    /// <exception cref="Errors.ZapierApiException">A poll was refused for good (400, 401, 403, 404, 409).</exception>
    public Task<ActionRunState> WaitForCompletionAsync(
        ActionRunWaitOptions? options = null, IProgress<ActionRunProgress>? progress = null, CancellationToken cancellationToken = default) =>
        _poller.WaitAsync(this, options ?? _runtime.WaitDefaults, progress, _callbackExpected, cancellationToken);

    /// <inheritdoc />
    public override string ToString() => LastState?.ToString() ?? $"action run {Id}";
}
