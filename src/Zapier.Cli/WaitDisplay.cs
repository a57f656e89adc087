using Spectre.Console;
using Zapier.Client.ActionRuns;

namespace Zapier.Cli;

/// <summary>
/// Follows a wait's progress (the waiter reports before each sleep between polls) and shows it: a live status line on
/// a terminal, a plain line per poll when output is redirected, nothing with <c>--json</c>.
/// </summary>
internal sealed class WaitDisplay : IProgress<ActionRunProgress>
{
    private readonly TimeProvider _time;
    private readonly TextWriter? _lines;
    private readonly object _gate = new();
    private ActionRunProgress? _last;
    private DateTimeOffset _lastAt;

    private WaitDisplay(string id, TimeProvider time, TextWriter? lines)
    {
        Id = id;
        _time = time;
        _lines = lines;
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

    /// <summary>Waits on <paramref name="run"/>, showing progress the way <paramref name="scope"/> asks.</summary>
    public static Task<ActionRunState> WaitAsync(
        CommandScope scope, ActionRun run, ActionRunWaitOptions options, out WaitDisplay display, CancellationToken cancellationToken)
    {
        var terminal = scope.Json ? null : scope.Host.Terminal;
        display = new WaitDisplay(run.Id, scope.Host.Time, scope.Json || terminal is not null ? null : scope.Output);
        var progress = scope.Json ? null : display;
        var wait = run.WaitForCompletionAsync(options, progress, cancellationToken);
        return terminal is null ? wait : display.ShowLiveAsync(terminal, wait);
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
    }

    /// <summary>The status line: status, polls, time to the next poll, elapsed; counted down between reports.</summary>
    public string StatusLine()
    {
        lock (_gate)
        {
            if (_last is not { } last)
            {
                return $"run {Id}: starting the wait";
            }

            var since = _time.GetUtcNow() - _lastAt;
            return $"run {Id}: {last.Status ?? "created"} · {last.Polls} {(last.Polls == 1 ? "poll" : "polls")} · " +
                   $"next poll in {Durations.Format(last.NextDelay - since)} · elapsed {Durations.Format(last.Elapsed + since)}";
        }
    }

    private async Task<ActionRunState> ShowLiveAsync(IAnsiConsole terminal, Task<ActionRunState> wait)
    {
        using var stop = new CancellationTokenSource();
        await terminal.Live(Line()).AutoClear(true).StartAsync(async live =>
        {
            while (!wait.IsCompleted)
            {
                live.UpdateTarget(Line());
                live.Refresh();
                // Refresh once a second so the countdown and the elapsed time move between polls.
                var tick = Task.Delay(TimeSpan.FromSeconds(1), _time, stop.Token);
                await Task.WhenAny(wait, tick).ConfigureAwait(false);
            }

            stop.Cancel();
        }).ConfigureAwait(false);
        return await wait.ConfigureAwait(false);
    }

    private Markup Line() => new($"[yellow]⏳[/] {Markup.Escape(StatusLine())}");
}
