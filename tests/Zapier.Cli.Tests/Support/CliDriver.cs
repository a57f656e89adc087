using Microsoft.Extensions.Time.Testing;
using Spectre.Console.Testing;
using Zapier.Client;
using Zapier.Client.Tests.Support;

namespace Zapier.Cli.Tests.Support;

/// <summary>What one in-process run of the command printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error, string Terminal);

/// <summary>
/// Runs <c>zapier</c> in process, on a fake clock that moves whenever the command's client has nothing but timers
/// pending (no real sleeps), with captured output and error streams and an optional test terminal.
/// </summary>
internal sealed class CliDriver
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    /// <summary>The environment the command sees (nothing of the real process's).</summary>
    public Dictionary<string, string> Environment { get; } = new();

    /// <summary>A terminal for the live status line; null runs as if output were redirected.</summary>
    public TestConsole? Terminal { get; init; }

    /// <summary>Replaces the real connector (for example one that throws); null uses the real one.</summary>
    public Func<ConnectionSettings, ZapierConnection>? Connect { get; init; }

    /// <summary>The client the last run made, for assertions on what it did.</summary>
    public ZapierClient? Client { get; private set; }

    /// <summary>Runs the command to its end, moving the fake clock as its waits need.</summary>
    public Task<CliResult> RunAsync(params string[] args) => RunAsync(args, cancelWhenOutputContains: null);

    /// <summary>
    /// Runs the command and cancels its token (as Ctrl+C does) as soon as its output or error stream contains
    /// <paramref name="cancelWhenOutputContains"/>, or once the fake clock reaches <paramref name="cancelAfter"/>; with
    /// <paramref name="moveClock"/> false the clock stands still, so a wait sleeps before its first poll until then.
    /// </summary>
    public async Task<CliResult> RunAsync(string[] args, string? cancelWhenOutputContains, bool moveClock = true, TimeSpan? cancelAfter = null)
    {
        using var cancellation = new CancellationTokenSource();
        var output = new WatchedWriter(cancelWhenOutputContains, cancellation);
        var error = new WatchedWriter(cancelWhenOutputContains, cancellation);
        using var cancelTimer = cancelAfter is { } after
            ? Clock.CreateTimer(_ => cancellation.Cancel(), null, after, Timeout.InfiniteTimeSpan)
            : null;
        var connector = new CapturingConnector(Connect);
        var host = new CliHost
        {
            Output = output,
            Error = error,
            Terminal = Terminal,
            Environment = name => Environment.GetValueOrDefault(name),
            Time = Clock,
            Connector = connector,
        };

        var invocation = ZapierCli.InvokeAsync(args, host, cancellation.Token);
        var timeLimit = Task.Delay(TimeSpan.FromSeconds(60));
        if (await Task.WhenAny(invocation, connector.Created, timeLimit) == connector.Created && moveClock)
        {
            Client = await connector.Created;
            await FakeTimeDriver.DriveAsync(Clock, Client, [invocation]);
        }

        if (await Task.WhenAny(invocation, Task.Delay(TimeSpan.FromSeconds(60))) != invocation)
        {
            throw new TimeoutException($"zapier {string.Join(' ', args)} did not end; output so far:\n{output}\n{error}");
        }

        return new CliResult(await invocation, output.ToString(), error.ToString(), Terminal?.Output ?? "");
    }

    /// <summary>The real connector, telling the driver which client it made.</summary>
    private sealed class CapturingConnector(Func<ConnectionSettings, ZapierConnection>? connect) : IZapierConnector
    {
        private readonly TaskCompletionSource<ZapierClient> _created = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<ZapierClient> Created => _created.Task;

        public ZapierConnection Connect(ConnectionSettings settings)
        {
            var connection = connect is null ? new ZapierConnector().Connect(settings) : connect(settings);
            _created.TrySetResult(connection.Client);
            return connection;
        }
    }

    /// <summary>A string writer that cancels a token once its text contains a marker.</summary>
    private sealed class WatchedWriter(string? marker, CancellationTokenSource cancellation) : StringWriter
    {
        private readonly object _gate = new();

        public override void Write(char value)
        {
            lock (_gate)
            {
                base.Write(value);
            }

            Check();
        }

        public override void Write(string? value)
        {
            lock (_gate)
            {
                base.Write(value);
            }

            Check();
        }

        public override void WriteLine(string? value)
        {
            lock (_gate)
            {
                base.WriteLine(value);
            }

            Check();
        }

        public override string ToString()
        {
            lock (_gate)
            {
                return base.ToString();
            }
        }

        private void Check()
        {
            if (marker is not null && ToString().Contains(marker, StringComparison.Ordinal))
            {
                cancellation.Cancel();
            }
        }
    }
}
