using Spectre.Console;
using Zapier.Client.ActionRuns;

namespace Zapier.Cli;

/// <summary>
/// Follows a wait's progress (the waiter reports before each sleep between polls) and shows it: a live status line on
/// an interactive ANSI terminal, a plain line per poll otherwise (output redirected, TERM=dumb), nothing with <c>--json</c> (where it only counts).
/// </summary>
internal sealed class WaitDisplay : IProgress<ActionRunProgress>
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(250);

    private readonly TimeProvider _time;
    private readonly TextWriter? _lines;
    private readonly IAnsiConsole? _terminal;
    private readonly Lock _gate = new();
    private readonly Lock _drawing = new();   // one writer of the status line at a time (not the terminal's own lock)
    private ActionRunProgress? _last;
    private DateTimeOffset _lastAt;

    private WaitDisplay(string id, TimeProvider time, TextWriter? lines, IAnsiConsole? terminal)
    {
        Id = id;
        _time = time;
        _lines = lines;
        _terminal = terminal;
    }

    public string Id { get; }

    /// <summary>Polls reported by the last progress (0 before the first).</summary>
    public int Polls
    {
        get
        {
            lock (_gate)
            {
                return _last?.Polls ?? 0;
            }
        }
    }

    /// <summary>The status the last progress reported (null before the first poll).</summary>
    public string? LastStatus
    {
        get
        {
            lock (_gate)
            {
                return _last?.Status;
            }
        }
    }

    /// <summary>Waits on <paramref name="run"/>, showing progress the way <paramref name="scope"/> asks.</summary>
    public static Task<ActionRunState> WaitAsync(
        CommandScope scope, ActionRun run, ActionRunWaitOptions options, out WaitDisplay display, CancellationToken cancellationToken)
    {
        var terminal = scope.Json ? null : scope.Host.Terminal;
        if (terminal?.Profile.Capabilities is { Ansi: false } or { Interactive: false })
        {
            // Redrawing in place needs ANSI (\r and erase-line); without it the redraws would pile up on one line.
            terminal = null;
        }

        display = new WaitDisplay(run.Id, scope.Host.Time, scope.Json || terminal is not null ? null : scope.Output, terminal);
        if (terminal is null)
        {
            return run.WaitForCompletionAsync(options, display, cancellationToken);
        }

        terminal.MarkupLine($"Waiting for run [bold]{Markup.Escape(run.Id)}[/] (Ctrl+C stops the wait, not the run).");
        terminal.Cursor.Hide();
        display.Render();
        return display.FollowAsync(terminal, run.WaitForCompletionAsync(options, display, cancellationToken));
    }

    /// <inheritdoc />
    public void Report(ActionRunProgress value)
    {
        lock (_gate)
        {
            _last = value;
            _lastAt = _time.GetUtcNow();
        }

        _lines?.WriteLine(
            $"run {Id}: {value.Status ?? "created"}, {value.Polls} {(value.Polls == 1 ? "poll" : "polls")}, " +
            $"next poll in {Durations.Format(value.NextDelay)}, elapsed {Durations.Format(value.Elapsed)}");
        Render();
    }

    /// <summary>The status line: status, polls, time to the next poll, elapsed; counted down between reports.</summary>
    public string StatusLine()
    {
        lock (_gate)
        {
            if (_last is not { } last)
            {
                return "starting";
            }

            var since = _time.GetUtcNow() - _lastAt;
            return $"{last.Status ?? "created"} · {last.Polls} {(last.Polls == 1 ? "poll" : "polls")} · " +
                   $"next poll in {Durations.Format(last.NextDelay - since)} · elapsed {Durations.Format(last.Elapsed + since)}";
        }
    }

    /// <summary>Redraws the status line in place (or clears it), at most one writer at a time.</summary>
    private void Render(bool clear = false)
    {
        if (_terminal is null)
        {
            return;
        }

        lock (_drawing)
        {
            _terminal.Write(new ControlCode("\r\u001b[2K"));
            if (!clear)
            {
                // One line only: a wrapped line could not be redrawn in place.
                var text = "⏳ " + StatusLine();
                var width = Math.Max(_terminal.Profile.Width - 1, 10);
                _terminal.Write(new Text(text.Length > width ? text[..(width - 1)] + "…" : text, new Style(Color.Yellow)));
            }
        }
    }

    private async Task<ActionRunState> FollowAsync(IAnsiConsole terminal, Task<ActionRunState> wait)
    {
        using var stop = new CancellationTokenSource();
        try
        {
            while (!wait.IsCompleted)
            {
                // Redraw between polls too, so the countdown and the elapsed time move.
                await Task.WhenAny(wait, Task.Delay(RefreshInterval, _time, stop.Token)).ConfigureAwait(false);
                Render();
            }
        }
        finally
        {
            stop.Cancel();
            Render(clear: true);
            terminal.Cursor.Show();
        }

        return await wait.ConfigureAwait(false);
    }
}
