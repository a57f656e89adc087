namespace Zapier.Client.ActionRuns;

/// <summary>
/// The status of an action run as the server sent it, kept as its raw string so that a value this client does not
/// know is still visible. The statuses <see cref="Classification"/> marks in progress (<c>waiting</c>, <c>queued</c> and
/// <c>running</c> today) mean the run is in progress; every other value, known or not, means it has ended. A wait can treat more values as in progress through
/// <see cref="ActionRunWaitOptions.InProgressStatuses"/>.
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

    /// <summary>
    /// The one place that classifies statuses: every status this client knows, true when it keeps a wait going, false
    /// when the run has ended. It must hold every value of the generated enum <c>ActionRunResponseStatusEnum</c>;
    /// <c>ActionRunStatusClassificationTests</c> fails naming this table when a schema refresh adds a value missing
    /// here (a value not listed would end every wait at its first poll).
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, bool> Classification = new Dictionary<string, bool>(StringComparer.Ordinal)
    {
        ["waiting"] = true, // schema
        ["queued"] = true, // guides
        ["running"] = true, // guides
        ["success"] = false, // schema
        ["error"] = false, // schema
    };

    /// <summary>True while the run has not ended.</summary>
    public bool IsInProgress => Value is not null && Classification.TryGetValue(Value, out var inProgress) && inProgress;

    /// <summary>True when the run ended successfully.</summary>
    public bool IsSuccess => Value == "success";

    /// <summary>True when the run ended with an error.</summary>
    public bool IsError => Value == "error";

    /// <summary>True for a status <see cref="Classification"/> holds; false for a status this client does not know.</summary>
    public bool IsKnown => Value is not null && Classification.ContainsKey(Value);

    /// <inheritdoc />
    public override string ToString() => Value;
}
