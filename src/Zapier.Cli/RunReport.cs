using System.Text.Json.Nodes;
using Zapier.Client.ActionRuns;

namespace Zapier.Cli;

/// <summary>What a run command found out, printed as text or as one JSON document.</summary>
/// <param name="Outcome">started, success, error, in_progress, timeout or cancelled (also the status of an unknown end).</param>
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

    /// <summary>The command that resumes the wait, when the run goes on.</summary>
    public string? Resume { get; init; }

    /// <summary>The outcome for an ended or observed state.</summary>
    public static (string Outcome, int ExitCode) For(ActionRunState state) =>
        state.Succeeded ? ("success", ExitCodes.Success)
        : state.HasEnded ? (state.Status!.Value.IsError ? "error" : state.Status.Value.Value, ExitCodes.RunFailed)
        : ("in_progress", ExitCodes.Success);

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
        var (headline, resume) = Outcome switch
        {
            "started" => ($"Started run {Id}.", $"Watch it with: {Resume}"),
            "timeout" => ($"Run {Id} is still {status}{after}: the wait timed out. The run goes on at Zapier.", $"Resume with: {Resume}"),
            "cancelled" => ($"Stopped waiting for run {Id} (still {status}{after}). The run goes on at Zapier.", $"Resume with: {Resume}"),
            "success" => ($"Run {Id} succeeded{after}.", null),
            "in_progress" => ($"Run {Id} is {status}.", null),
            _ => ($"Run {Id} ended with status {status}{after}.", (string?)null),
        };
        output.WriteLine(headline);
        if (resume is not null)
        {
            // A run that goes on has no results to show yet.
            output.WriteLine(resume);
            return;
        }

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
                output.WriteLine("  " + node?.ToJsonString());
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
