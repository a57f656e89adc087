using System.CommandLine;

namespace Zapier.Cli;

/// <summary>What a command's body works with.</summary>
internal sealed record CommandScope(ParseResult Parse, CliHost Host, ZapierConnection Connection, bool Json)
{
    /// <summary>Where results go (the invocation's output, so tests capture it).</summary>
    public TextWriter Output => Parse.InvocationConfiguration.Output;
}

/// <summary>Ctrl+C arrived while a command did something whose effect it cannot know; the message says what to check.</summary>
internal sealed class CancelledWithDoubtException(string message, CancellationToken token) : OperationCanceledException(message, token);

/// <summary>Connects, runs a command's body, and turns what went wrong into a message and an exit code.</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(
        ParseResult parse, CliHost host, GlobalOptions globals, bool json, Func<CommandScope, CancellationToken, Task<int>> body,
        CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        try
        {
            var settings = globals.Resolve(parse, host);
            using var connection = host.Connector.Connect(settings);
            if (connection.Banner is { } banner)
            {
                error.WriteLine(banner);
            }

            return await body(new CommandScope(parse, host, connection, json), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            return Fail(ExitCodes.Cancelled, "cancelled", e is CancelledWithDoubtException ? e.Message : "Cancelled.");
        }
        catch (Exception e) when (Failures.Classify(e) is { } failure)
        {
            return Fail(failure.ExitCode, failure.Outcome, e.Message);
        }
        catch (Exception e)
        {
            // A bug of this tool: one line instead of a stack trace, a code of its own (not 1, "the run ended in
            // error"), and the failure document for scripts. Messages here never hold the token: it is not in scope.
            return Fail(ExitCodes.InternalError, "internal_error", $"internal error: {e.Message}");
        }

        int Fail(int exitCode, string outcome, string message)
        {
            error.WriteLine($"zapier: {message}");
            if (json)
            {
                JsonOutput.Write(output, JsonOutput.Failure(outcome, exitCode, message));
            }

            return exitCode;
        }
    }
}
