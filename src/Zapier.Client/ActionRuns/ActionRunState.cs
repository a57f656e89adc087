using Zapier.Client.Generated.Models;

namespace Zapier.Client.ActionRuns;

/// <summary>What one retrieval of an action run observed.</summary>
public sealed class ActionRunState
{
    internal ActionRunState(string id, ActionRunResponse? response, string? rawStatus, DateTimeOffset observedAt, ZapierResponseInfo? responseInfo = null)
    {
        ResponseInfo = responseInfo;
        Id = id;
        Response = response;
        Status = string.IsNullOrEmpty(rawStatus) ? null : new ActionRunStatus(rawStatus);
        ObservedAt = observedAt;
    }

    /// <summary>The run's id.</summary>
    public string Id { get; }

    /// <summary>The status as sent, or null when the response carried none (which never counts as finished).</summary>
    public ActionRunStatus? Status { get; }

    /// <summary>
    /// True when the state has a status and <see cref="ActionRunStatus.IsInProgress"/> is false for it: <c>success</c>,
    /// <c>error</c>, or a status <see cref="ActionRunStatus.Classification"/> does not hold. A state does not know the
    /// options of any wait, so a status listed in a wait's <see cref="ActionRunWaitOptions.InProgressStatuses"/> counts
    /// as ended here although that wait goes on; the state a wait returns has ended for that wait.
    /// </summary>
    public bool HasEnded => Status is { IsInProgress: false };

    /// <summary>True when the run ended successfully.</summary>
    public bool Succeeded => Status is { IsSuccess: true };

    /// <summary>The results the action returned (may be empty even on success).</summary>
    public IReadOnlyList<ActionRunResult> Results => Response?.Data?.Results ?? [];

    /// <summary>Errors reported for the run: code, title, detail, delay and meta of each.</summary>
    public IReadOnlyList<ActionRunResponseError> Errors => Response?.Data?.Errors ?? [];

    /// <summary>When this state was observed (by the client's clock).</summary>
    public DateTimeOffset ObservedAt { get; }

    /// <summary>
    /// What the retrieval's response said besides its body (status, request id, rate-limit headers, attempts); null for a
    /// state that did not come from a retrieval.
    /// </summary>
    public ZapierResponseInfo? ResponseInfo { get; }

    /// <summary>The generated response model, for anything not surfaced above.</summary>
    public ActionRunResponse? Response { get; }

    /// <inheritdoc />
    public override string ToString() => $"action run {Id}: {Status?.Value ?? "(no status)"}";
}
