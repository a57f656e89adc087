// The zapier command: see `zapier --help` and the README's "The zapier command" section.
using Spectre.Console;
using Zapier.Cli;

var host = new CliHost
{
    Output = Console.Out,
    Error = Console.Error,
    // A live status line only on an interactive ANSI terminal (WaitDisplay checks the capabilities); redirected
    // output gets plain lines.
    Terminal = Console.IsOutputRedirected ? null : AnsiConsole.Console,
    HandleTermination = true,
};
return await ZapierCli.InvokeAsync(args, host);
