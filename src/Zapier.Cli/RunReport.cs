using System.Text.Json.Nodes;
using Zapier.Client.ActionRuns;

namespace Zapier.Cli;

/// <summary>What a run command found out, printed as text or as one JSON document.</summary>
/// <param name="Outcome">started, success, error, ended (any other final status), in_progress, timeout or cancelled.</param>
/// <param name="ExitCode">The command's exit code.</param>
/// <param name="Id">The run's id.</param>
internal sealed record RunReport(string Outcome, int ExitCode, string Id)
{
    /// <summary>The last state seen, if any.</summary>
    public ActionRunState? State { get; init; }

    /// <summary>The run's status as last seen; <see cref="State"/>'s when not set.</summary>
    public string? Status
    {
        get => field ?? State?.Status?.Value;
        init;
    }

    /// <summary>Polls the wait made, when there was a wait.</summary>
    public int? Polls { get; init; }

    /// <summary>How long the wait took, when there was one.</summary>
    public TimeSpan? Elapsed { get; init; }

    /// <summary>The command that resumes the wait, when the run goes on (null in the sandbox, whose runs end with the command).</summary>
    public string? Resume { get; init; }

    /// <summary>The outcome for an ended or observed state.</summary>
    public static (string Outcome, int ExitCode) For(ActionRunState state) => For(state.Status);

    /// <summary>
    /// The outcome for a status: an end other than success or error is <c>ended</c> (its status is in the report's
    /// <c>status</c>), so a status Zapier adds later can never pass for one of this tool's own outcomes.
    /// </summary>
    public static (string Outcome, int ExitCode) For(ActionRunStatus? status) => status switch
    {
        null or { IsInProgress: true } => ("in_progress", ExitCodes.Success),
        { IsSuccess: true } => ("success", ExitCodes.Success),
        { IsError: true } => ("error", ExitCodes.RunFailed),
        _ => ("ended", ExitCodes.RunFailed),
    };

    /// <summary>Prints the report as text or JSON and returns the exit code.</summary>
    public async Task<int> WriteAsync(CommandScope scope, CancellationToken cancellationToken)
    {
        if (scope.Json)
        {
            JsonOutput.Write(scope.Output, await ToJsonAsync(cancellationToken).ConfigureAwait(false));
        }
        else
        {
            await WriteTextAsync(scope.Output, cancellationToken).ConfigureAwait(false);
        }

        return ExitCode;
    }

    private async Task<JsonObject> ToJsonAsync(CancellationToken cancellationToken) => new()
    {
        ["outcome"] = Outcome,
        ["exit_code"] = ExitCode,
        ["id"] = Id,
        ["status"] = Status,
        ["polls"] = Polls,
        ["elapsed_seconds"] = Elapsed is { } elapsed ? Math.Round(elapsed.TotalSeconds, 3) : null,
        ["resume"] = Resume,
        // The run as Zapier sent it (id, status, results, errors), with Zapier's names.
        ["run"] = await JsonOutput.ModelAsync(State?.Response?.Data, cancellationToken).ConfigureAwait(false),
    };

    private async Task WriteTextAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var status = Status ?? "without a status";
        var after = Polls is { } polls && Elapsed is { } elapsed
            ? $" after {polls} {(polls == 1 ? "poll" : "polls")} in {Durations.Format(elapsed)}"
            : "";
        // Without a resume command the run is the sandbox's, which ends with this command.
        const string SandboxEnds = "Sandbox runs end with this command:";
        var (headline, resume) = Outcome switch
        {
            "started" when Resume is null => ($"Started run {Id}. {SandboxEnds} add --wait to follow one.", ""),
            "started" => ($"Started run {Id}.", $"Watch it with: {Resume}"),
            "timeout" => ($"Run {Id} is still {status}{after}: the wait timed out. {GoesOn()}", $"Resume with: {Resume}"),
            "cancelled" => ($"Stopped waiting for run {Id} (still {status}{after}). {GoesOn()}", $"Resume with: {Resume}"),
            "success" => ($"Run {Id} succeeded{after}.", null),
            "in_progress" => ($"Run {Id} is {status}.", null),
            _ => ($"Run {Id} ended with status {status}{after}.", (string?)null),
        };
        output.WriteLine(headline);
        if (resume is not null)
        {
            // A run that goes on has no results to show yet.
            if (Resume is not null)
            {
                output.WriteLine(resume);
            }

            return;
        }

        string GoesOn() => Resume is null ? $"{SandboxEnds} this one cannot be resumed." : "The run goes on at Zapier.";

        await WriteDetailsAsync(output, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteDetailsAsync(TextWriter output, CancellationToken cancellationToken)
    {
        if (State is null)
        {
            return;
        }

        if (State.Results.Count > 0)
        {
            output.WriteLine($"Results ({State.Results.Count}):");
            foreach (var result in State.Results)
            {
                var node = await JsonOutput.ModelAsync(result, cancellationToken).ConfigureAwait(false);
                output.WriteLine("  " + JsonOutput.Line(node));
            }
        }

        foreach (var error in State.Errors)
        {
            // The code as Zapier spells it (system_throttled), kept in AdditionalData when this client does not know it.
            var json = await JsonOutput.ModelAsync(error, cancellationToken).ConfigureAwait(false);
            var code = json?["code"]?.ToString();
            output.WriteLine($"Error: {error.Title}{(code is null ? "" : $" [{code}]")}{(string.IsNullOrEmpty(error.Detail) ? "" : $": {error.Detail}")}");
        }
    }
}
