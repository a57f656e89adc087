using Zapier.Client.Errors;

namespace Zapier.Client.ActionRuns;

/// <summary>
/// A wait reached its deadline while the run was still in progress. The run itself goes on at Zapier (its data is kept
/// for 7 days); wait again later with <see cref="ZapierClient.GetActionRun(string)"/> and the same id.
/// </summary>
public sealed class ActionRunTimeoutException : ZapierException
{
    internal ActionRunTimeoutException(string id, ActionRunState? lastState, int polls, TimeSpan waited, Exception? lastError)
        : base($"Action run {id} was still {lastState?.Status?.Value ?? "without a status"} after {waited.TotalSeconds:0.#} s and {polls} polls; " +
               "the run continues at Zapier and can be waited on again by its id.", lastError)
    {
        Id = id;
        LastState = lastState;
        Polls = polls;
    }

    /// <summary>The run's id, to resume waiting later.</summary>
    public string Id { get; }

    /// <summary>The last state observed, if any poll succeeded.</summary>
    public ActionRunState? LastState { get; }

    /// <summary>How many polls the wait made.</summary>
    public int Polls { get; }
}

/// <summary>Thrown when <see cref="ActionRunWaitOptions.ThrowOnError"/> is set and the run ended with status <c>error</c>.</summary>
public sealed class ActionRunFailedException : ZapierException
{
    internal ActionRunFailedException(ActionRunState state)
        : base($"Action run {state.Id} ended with status error: " +
               (state.Errors.Count == 0 ? "no details." : string.Join("; ", state.Errors.Select(e => $"{e.Title} [{e.Code}]: {e.Detail}"))))
    {
        State = state;
    }

    /// <summary>The run as it ended, with its errors.</summary>
    public ActionRunState State { get; }
}
