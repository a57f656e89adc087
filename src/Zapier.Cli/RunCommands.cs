using System.CommandLine;
using Zapier.Client.ActionRuns;

namespace Zapier.Cli;

/// <summary><c>zapier run</c>, <c>zapier runs get</c> and <c>zapier runs watch</c>.</summary>
internal static class RunCommands
{
    public static Command Run(CliHost host, GlobalOptions globals)
    {
        var action = Id(new Argument<string>("action") { Description = "The action's id, for example demo:send-email." });
        var auth = new Option<string>("--auth") { Description = "The authentication (connected account) the action uses.", HelpName = "ID" };
        auth.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
            {
                result.AddError("--auth must not be empty.");
            }
        });
        var input = new Option<string[]>("--input")
        {
            Description = "An input value as key=value (repeat for more; wins over --inputs-json; a key given twice keeps its last value).",
            HelpName = "KEY=VALUE",
            Arity = ArgumentArity.OneOrMore,
        };
        var inputsJson = new Option<string>("--inputs-json") { Description = "A JSON object of input values by field key.", HelpName = "FILE" };
        var wait = new Option<bool>("--wait") { Description = "Wait for the run to end, showing its progress." };
        var timeout = Timeout("With --wait: how long");
        var json = JsonOutput.CreateOption();
        var command = new Command("run", "Start an action run; with --wait, follow it to its end.")
        {
            action, auth, input, inputsJson, wait, timeout, json,
        };
        command.Validators.Add(result =>
        {
            // Silently ignoring it would let a script believe it waited. A value that does not parse has its own error.
            if (result.GetResult(timeout) is { Tokens: [var given] } && TimeoutValue(given.Value) is not null && !result.GetValue(wait))
            {
                result.AddError("--timeout needs --wait: without --wait, run starts the run and returns at once.");
            }
        });
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse, host, globals, parse.GetValue(json), async (scope, token) =>
        {
            var request = new ActionRunRequest(parse.GetValue(action)!)
            {
                Authentication = parse.GetValue(auth),
                Inputs = Inputs.Read(parse.GetValue(inputsJson), parse.GetValue(input) ?? []),
            };
            ActionRun run;
            try
            {
                run = await scope.Connection.Client.StartActionRunAsync(request, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // The POST may have reached Zapier: a run may exist whose id this command never got.
                throw new CancelledWithDoubtException(
                    "Cancelled while starting the run. Zapier may have made the run anyway, and without its id 'zapier runs get' " +
                    "cannot find it: check for it in Zapier before starting the action again.", token);
            }

            if (!parse.GetValue(wait))
            {
                var started = new RunReport("started", ExitCodes.Success, run.Id) { Resume = ResumeCommand(scope, globals, run.Id) };
                return await started.WriteAsync(scope, token).ConfigureAwait(false);
            }

            return await WatchAsync(scope, globals, run, parse.GetValue(timeout), token).ConfigureAwait(false);
        }, ct));
        return command;
    }

    public static Command Runs(CliHost host, GlobalOptions globals)
    {
        var getId = Id(new Argument<string>("id") { Description = "The run's id." });
        var getJson = JsonOutput.CreateOption();
        var get = new Command("get", "Show a run's status, results and errors (one request).") { getId, getJson };
        get.SetAction((parse, ct) => CommandRunner.RunAsync(parse, host, globals, parse.GetValue(getJson), async (scope, token) =>
        {
            var state = await scope.Connection.Client.GetActionRun(parse.GetValue(getId)!).UpdateStatusAsync(token).ConfigureAwait(false);
            var (outcome, exitCode) = RunReport.For(state);
            return await new RunReport(outcome, exitCode, state.Id) { State = state }.WriteAsync(scope, token).ConfigureAwait(false);
        }, ct));

        var watchId = Id(new Argument<string>("id") { Description = "The run's id." });
        var timeout = Timeout("How long");
        var watchJson = JsonOutput.CreateOption();
        var watch = new Command("watch", "Wait for a run to end (also to resume a wait that timed out or was cancelled).")
        {
            watchId, timeout, watchJson,
        };
        watch.SetAction((parse, ct) => CommandRunner.RunAsync(parse, host, globals, parse.GetValue(watchJson), (scope, token) =>
            WatchAsync(scope, globals, scope.Connection.Client.GetActionRun(parse.GetValue(watchId)!), parse.GetValue(timeout), token), ct));

        return new Command("runs", "Action runs by id.") { get, watch };
    }

    private static async Task<int> WatchAsync(CommandScope scope, GlobalOptions globals, ActionRun run, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var time = scope.Host.Time;
        var began = time.GetUtcNow();
        var options = scope.Connection.WaitOptions with { Timeout = timeout ?? scope.Connection.WaitOptions.Timeout };
        var resume = ResumeCommand(scope, globals, run.Id);
        WaitDisplay? display = null;
        RunReport report;
        try
        {
            var state = await WaitDisplay.WaitAsync(scope, run, options, out display, cancellationToken).ConfigureAwait(false);
            var (outcome, exitCode) = RunReport.For(state);
            // The waiter reports before each sleep, so the poll that saw the end is one more than the last report.
            report = new RunReport(outcome, exitCode, run.Id) { State = state, Polls = display.Polls + 1, Elapsed = time.GetUtcNow() - began };
        }
        catch (ActionRunTimeoutException e)
        {
            report = new RunReport("timeout", ExitCodes.WaitTimedOut, run.Id)
            {
                State = e.LastState, Polls = e.Polls, Elapsed = time.GetUtcNow() - began, Resume = resume,
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            report = new RunReport("cancelled", ExitCodes.Cancelled, run.Id)
            {
                State = run.LastState, Status = display?.LastStatus ?? run.LastState?.Status?.Value, Polls = display?.Polls ?? 0,
                Elapsed = time.GetUtcNow() - began, Resume = resume,
            };
        }

        // The report is printed even when the token is cancelled: it carries the command that resumes the wait.
        return await report.WriteAsync(scope, CancellationToken.None).ConfigureAwait(false);
    }

    private static Option<TimeSpan?> Timeout(string howLong) => new("--timeout")
    {
        Description = $"{howLong} to wait before giving up (the run goes on): 90s, 10m, 1h30m. Default: {ActionRunWaitOptions.Default.Timeout.TotalMinutes:0}m.",
        HelpName = "DURATION",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (TimeoutValue(text) is { } value)
            {
                return value;
            }

            result.AddError($"--timeout '{text}' is not a duration between 1ms and 7d (for example 90s, 10m, 1h30m).");
            return null;
        },
    };

    /// <summary>
    /// Refuses what the client would refuse as a path segment or an action id (blank, <c>.</c>, <c>..</c>), so it is a
    /// usage error here rather than an exception from the library.
    /// </summary>
    private static Argument<string> Id(Argument<string> argument)
    {
        argument.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is var value && (string.IsNullOrWhiteSpace(value) || value.Trim() is "." or ".."))
            {
                result.AddError($"The {argument.Name} must not be empty, '.' or '..'.");
            }
        });
        return argument;
    }

    /// <summary>A <c>--timeout</c> value: a duration from 1 ms to 7 days, or null.</summary>
    private static TimeSpan? TimeoutValue(string text) =>
        Durations.Parse(text) is { } value && value > TimeSpan.Zero && value <= TimeSpan.FromDays(7) ? value : null;

    /// <summary>The command that resumes a wait on run <paramref name="id"/>; null in the sandbox, whose runs end with the command.</summary>
    private static string? ResumeCommand(CommandScope scope, GlobalOptions globals, string id) =>
        scope.Connection.IsSandbox ? null : globals.ResumeCommand(scope.Parse, id);
}
