using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Zapier.Client.Generated.Models;
using Zapier.Client.Serialization;

namespace Zapier.Client.ActionRuns;

/// <summary>
/// The end of an action run as Zapier's callback reported it: the run's id, its final status and the callback's body
/// as received (<c>{"data":{"type":"run","id":…,"status":…,"results":[…],"errors":[…]}}</c>, the shape of
/// <c>GET /v2/action-runs/{id}</c> plus the id). Made by <see cref="TryParse"/>, so no instance has a status
/// <see cref="ActionRunStatus.IsInProgress"/> calls in progress; a receiver publishes it on an
/// <see cref="IActionRunCompletionChannel"/> only after verifying the callback's signature. A wait ends on it unless its
/// status is one of that wait's <see cref="ActionRunWaitOptions.InProgressStatuses"/>: then the wait goes on polling.
/// </summary>
public sealed class ActionRunCompletion
{
    private ActionRunCompletion(string runId, ActionRunStatus status, ReadOnlyMemory<byte> body)
    {
        RunId = runId;
        Status = status;
        Body = body;
    }

    /// <summary>The run's id, as returned by <c>POST /v2/action-runs</c>: the only link between a callback and a wait.</summary>
    public string RunId { get; }

    /// <summary>
    /// The status the callback reported: never one that <see cref="ActionRunStatus.IsInProgress"/> calls in progress
    /// (such as <c>waiting</c>), which <see cref="TryParse"/> refuses; a status the client does not know is accepted.
    /// </summary>
    public ActionRunStatus Status { get; }

    /// <summary>The callback's JSON body, unchanged (a channel that crosses processes sends these bytes).</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>
    /// Reads a callback body. It must be a JSON object whose <c>data</c> is an object with <c>type</c> <c>run</c>, a
    /// non-empty string <c>id</c> and a status that <see cref="ActionRunStatus.IsInProgress"/> does not call in progress
    /// (the waits' <see cref="ActionRunWaitOptions.InProgressStatuses"/> are not known here); anything else is refused
    /// with the reason in <paramref name="problem"/>. The body is kept as given (copy it first if its buffer is reused).
    /// </summary>
    public static bool TryParse(
        ReadOnlyMemory<byte> body, [NotNullWhen(true)] out ActionRunCompletion? completion, [NotNullWhen(false)] out string? problem)
    {
        completion = null;
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            problem = Check(document.RootElement, out var id, out var status);
            if (problem is null)
            {
                completion = new ActionRunCompletion(id!, new ActionRunStatus(status!), body);
                return true;
            }
        }
        catch (JsonException e)
        {
            problem = $"the body is not JSON ({e.Message.Split('.')[0]})";
        }

        return false;
    }

    /// <summary>The run's state as the callback tells it, observed at <paramref name="receivedAt"/>.</summary>
    internal ActionRunState ToState(DateTimeOffset receivedAt)
    {
        using var document = JsonDocument.Parse(Body);
        var response = new ForwardCompatibleJsonParseNode(document.RootElement.Clone(), isRoot: true)
            .GetObjectValue(ActionRunResponse.CreateFromDiscriminatorValue);
        return new ActionRunState(RunId, response, Status.Value, receivedAt);
    }

    /// <inheritdoc />
    public override string ToString() => $"action run {RunId}: {Status} (callback)";

    /// <summary>The longest run id accepted (Zapier's are uuids or short prefixed ids).</summary>
    public const int MaxIdLength = 128;

    private static string? Check(JsonElement root, out string? id, out string? status)
    {
        id = status = null;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            return "the body has no \"data\" object";
        }

        if (!data.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "run")
        {
            return "data.type is not \"run\"";
        }

        if (!data.TryGetProperty("id", out var idElement) || idElement.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(idElement.GetString()))
        {
            return "data.id is missing or not a string";
        }

        if (idElement.GetString()!.Length > MaxIdLength)
        {
            return $"data.id is longer than {MaxIdLength} characters"; // run ids are short; a long one only costs memory where ids are kept
        }

        if (!data.TryGetProperty("status", out var statusElement) || statusElement.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(statusElement.GetString()))
        {
            return "data.status is missing or not a string";
        }

        id = idElement.GetString();
        status = statusElement.GetString();
        return new ActionRunStatus(status!).IsInProgress
            ? $"data.status is \"{status}\": Zapier calls back only when a run has ended"
            : null;
    }
}
