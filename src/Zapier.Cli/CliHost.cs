using Spectre.Console;

namespace Zapier.Cli;

/// <summary>What a command runs against: its streams, its terminal (if any), its environment, its clock and the connector.</summary>
internal sealed class CliHost
{
    /// <summary>Standard output: results, plain progress lines, JSON documents.</summary>
    public required TextWriter Output { get; init; }

    /// <summary>Standard error: failures, usage errors and the sandbox banner.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>The terminal for the live status line; null when output is redirected (plain lines instead).</summary>
    public IAnsiConsole? Terminal { get; init; }

    /// <summary>Reads an environment variable (ZAPIER_ACCESS_TOKEN).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>The clock for waits, elapsed times and the status line's refresh.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Makes the client a command uses (the sandbox, or Zapier).</summary>
    public IZapierConnector Connector { get; init; } = new ZapierConnector();

    /// <summary>
    /// True in the real process: Ctrl+C cancels the command's token (System.CommandLine's handling). Tests pass their
    /// own token instead.
    /// </summary>
    public bool HandleTermination { get; init; }
}
