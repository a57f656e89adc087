namespace Zapier.Client.ActionRuns;

/// <summary>
/// The status of an action run as the server sent it, kept as its raw string so that a value this client does not
/// know is still visible. <c>waiting</c>, <c>queued</c> and <c>running</c> mean the run is in progress; every other
/// value, known or not, means it has ended.
/// </summary>
public readonly record struct ActionRunStatus(string Value)
{
    /// <summary>The run has not finished (the schema's only in-progress value).</summary>
    public static readonly ActionRunStatus Waiting = new("waiting");

    /// <summary>The run is queued (named by Zapier's guides, not by the schema).</summary>
    public static readonly ActionRunStatus Queued = new("queued");

    /// <summary>The run is executing (named by Zapier's guides, not by the schema).</summary>
    public static readonly ActionRunStatus Running = new("running");

    /// <summary>The action ran; its results are on the run.</summary>
    public static readonly ActionRunStatus Success = new("success");

    /// <summary>The action failed; its errors are on the run.</summary>
    public static readonly ActionRunStatus Error = new("error");

    /// <summary>True while the run has not ended.</summary>
    public bool IsInProgress => Value is "waiting" or "queued" or "running";

    /// <summary>True when the run ended successfully.</summary>
    public bool IsSuccess => Value == "success";

    /// <summary>True when the run ended with an error.</summary>
    public bool IsError => Value == "error";

    /// <summary>True for the five values above; false for a status this client does not know.</summary>
    public bool IsKnown => IsInProgress || IsSuccess || IsError;

    /// <inheritdoc />
    public override string ToString() => Value;
}
