using System.Text.Json;
using System.Text.Json.Nodes;

namespace Zapier.Client.Testing;

/// <summary>
/// How the runs of one action go, poll by poll. Each poll of a run (<c>GET /v2/action-runs/{id}</c>) takes the next
/// step; the last step repeats for every later poll. No wall time is involved: a run moves only when it is polled.
/// </summary>
/// <example>
/// <code>
/// sandbox.AddAction("crm:create-contact", run => run.Waiting(2).Success(new { id = 42 }));
/// sandbox.AddAction("crm:flaky", run => run.FailCreates(SandboxFault.TooManyRequests()).Waiting().Fault(SandboxFault.ServerError(503)).Success());
/// </code>
/// </example>
/// <remarks>
/// A script without steps answers <c>success</c> with no results at the first poll. Steps are read when a poll is
/// answered, so changing a script affects the runs already created; declare it before the code under test runs.
/// </remarks>
public sealed class ActionRunScript
{
    private readonly List<ScriptStep> _steps = [];
    private readonly List<SandboxFault> _createFaults = [];
    private readonly Lock _gate = new();

    /// <summary>Answers <c>waiting</c> to the next <paramref name="polls"/> polls.</summary>
    public ActionRunScript Waiting(int polls = 1) => Repeat(ScriptStep.Status("waiting"), polls);

    /// <summary>
    /// Answers <c>waiting</c> with these <c>errors[]</c> to the next <paramref name="polls"/> polls: a run the app
    /// throttled (<see cref="SandboxRunError.Throttled"/>) reports its <c>delay</c> this way while Zapier retries it.
    /// </summary>
    /// <exception cref="ArgumentException">An error's code is not one the schema allows.</exception>
    public ActionRunScript Waiting(int polls, params SandboxRunError[] errors) =>
        Repeat(new ScriptStep("waiting", [], Checked(errors), null), polls);

    /// <summary>
    /// Answers <c>queued</c> to the next <paramref name="polls"/> polls. Zapier's guide lists this status; its
    /// schema's enum does not (it has <c>success</c>, <c>error</c>, <c>waiting</c>), so this is the one answer outside the schema.
    /// </summary>
    public ActionRunScript Queued(int polls = 1) => Repeat(ScriptStep.Status("queued"), polls);

    /// <summary>Answers <c>running</c> to the next <paramref name="polls"/> polls (outside the schema's enum, like <see cref="Queued"/>).</summary>
    public ActionRunScript Running(int polls = 1) => Repeat(ScriptStep.Status("running"), polls);

    /// <summary>Ends the run with <c>success</c> and these results (each serialized as a JSON object: an anonymous object, a dictionary, a <see cref="JsonObject"/>).</summary>
    /// <exception cref="ArgumentException">A result does not serialize to a JSON object.</exception>
    public ActionRunScript Success(params object[] results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var items = new List<JsonObject>(results.Length);
        foreach (var result in results)
        {
            items.Add(JsonSerializer.SerializeToNode(result) as JsonObject
                ?? throw new ArgumentException($"A run's result must serialize to a JSON object; {result?.GetType().Name ?? "null"} does not.", nameof(results)));
        }

        return Add(ScriptStep.Finished("success", items, []));
    }

    /// <summary>Ends the run with <c>error</c> and these <c>errors[]</c> (at least one).</summary>
    /// <exception cref="ArgumentException">No error is given, or an error's code is not one the schema allows.</exception>
    public ActionRunScript Error(params SandboxRunError[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Length == 0)
        {
            throw new ArgumentException("A run that ends in error needs at least one error.", nameof(errors));
        }

        return Add(ScriptStep.Finished("error", [], Checked(errors)));
    }

    /// <summary>Answers the next <paramref name="polls"/> polls with a fault instead of the run; each such poll takes one step, like any other.</summary>
    public ActionRunScript Fault(SandboxFault fault, int polls = 1)
    {
        ArgumentNullException.ThrowIfNull(fault);
        return Repeat(ScriptStep.Failing(fault), polls);
    }

    /// <summary>
    /// The next creates of this action (<c>POST /v2/action-runs</c>) get these faults, one each, in order; the create
    /// after them succeeds. A create answered with a fault makes no run.
    /// </summary>
    public ActionRunScript FailCreates(params SandboxFault[] faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        lock (_gate)
        {
            _createFaults.AddRange(faults);
        }

        return this;
    }

    /// <summary>The number of steps declared (a repeated step counts once per poll it answers).</summary>
    public int Steps
    {
        get
        {
            lock (_gate)
            {
                return _steps.Count;
            }
        }
    }

    internal ScriptStep StepForPoll(int pollIndex)
    {
        lock (_gate)
        {
            return _steps.Count == 0 ? ScriptStep.Finished("success", [], []) : _steps[Math.Min(pollIndex, _steps.Count - 1)];
        }
    }

    /// <summary>The step a run ends with, whatever its polls: the first finished step, else the last step.</summary>
    internal ScriptStep FinalStep()
    {
        lock (_gate)
        {
            return _steps.FirstOrDefault(s => s.IsFinished) ?? (_steps.Count == 0 ? ScriptStep.Finished("success", [], []) : _steps[^1]);
        }
    }

    internal SandboxFault? TakeCreateFault()
    {
        lock (_gate)
        {
            if (_createFaults.Count == 0)
            {
                return null;
            }

            var fault = _createFaults[0];
            _createFaults.RemoveAt(0);
            return fault;
        }
    }

    private static SandboxRunError[] Checked(SandboxRunError[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        foreach (var error in errors)
        {
            ArgumentNullException.ThrowIfNull(error, nameof(errors));
            if (!SandboxRunError.Codes.Contains(error.Code))
            {
                throw new ArgumentException($"Error code '{error.Code}' is not one of the schema's: {string.Join(", ", SandboxRunError.Codes)}.", nameof(errors));
            }
        }

        return [.. errors];
    }

    private ActionRunScript Repeat(ScriptStep step, int polls)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(polls, 1);
        lock (_gate)
        {
            for (var i = 0; i < polls; i++)
            {
                _steps.Add(step);
            }
        }

        return this;
    }

    private ActionRunScript Add(ScriptStep step) => Repeat(step, 1);
}

/// <summary>One answer of a script: a run status with its results and errors, or a fault.</summary>
internal sealed record ScriptStep(string? RunStatus, IReadOnlyList<JsonObject> Results, IReadOnlyList<SandboxRunError> Errors, SandboxFault? Fault)
{
    public bool IsFinished => RunStatus is "success" or "error";

    public static ScriptStep Status(string status) => new(status, [], [], null);

    public static ScriptStep Finished(string status, IReadOnlyList<JsonObject> results, IReadOnlyList<SandboxRunError> errors) => new(status, results, errors, null);

    public static ScriptStep Failing(SandboxFault fault) => new(null, [], [], fault);
}
