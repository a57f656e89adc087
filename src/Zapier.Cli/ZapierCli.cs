using System.CommandLine;

namespace Zapier.Cli;

/// <summary>The <c>zapier</c> command line: builds the commands and runs one.</summary>
internal static class ZapierCli
{
    public static RootCommand Build(CliHost host)
    {
        var globals = new GlobalOptions();
        var root = new RootCommand(
            "Run Zapier actions and watch their runs through Zapier's Partner API.\n" +
            $"Credentials: the {GlobalOptions.TokenVariable} environment variable or --token-file; --sandbox needs none.\n\n" +
            ExitCodes.Help);
        globals.AddTo(root);
        root.Subcommands.Add(RunCommands.Run(host, globals));
        root.Subcommands.Add(RunCommands.Runs(host, globals));
        root.Subcommands.Add(ListCommands.Actions(host, globals));
        root.Subcommands.Add(ListCommands.Apps(host, globals));
        root.Subcommands.Add(ListCommands.Authentications(host, globals));
        return root;
    }

    /// <summary>Parses <paramref name="args"/> and runs the command; returns the exit code.</summary>
    public static async Task<int> InvokeAsync(string[] args, CliHost host, CancellationToken cancellationToken = default)
    {
        var parse = Build(host).Parse(args);
        var configuration = new InvocationConfiguration
        {
            Output = host.Output,
            Error = host.Error,
            ProcessTerminationTimeout = host.HandleTermination ? TimeSpan.FromSeconds(2) : null,
        };
        if (parse.Errors.Count > 0)
        {
            // System.CommandLine would exit with 1, which here means "the run ended in error".
            foreach (var error in parse.Errors)
            {
                host.Error.WriteLine($"zapier: {error.Message}");
            }

            host.Error.WriteLine("Run 'zapier --help' for usage.");
            if (JsonOutput.IsRequested(args))
            {
                // Scripts that asked for JSON get the failure document here too, as for every other failure.
                var message = string.Join(" ", parse.Errors.Select(e => e.Message));
                JsonOutput.Write(host.Output, JsonOutput.Failure("usage", ExitCodes.Usage, message));
            }

            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }
}
