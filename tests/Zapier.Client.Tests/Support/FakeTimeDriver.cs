using Microsoft.Extensions.Time.Testing;
using Zapier.Client.Http;

namespace Zapier.Client.Tests.Support;

/// <summary>
/// Runs waits on fake time: whenever every pending wait is parked in the client's scheduler (nothing in flight), it
/// moves the clock to the scheduler's next wake-up. No real sleeps; a bounded number of steps.
/// </summary>
internal static class FakeTimeDriver
{
    public static async Task<T> DriveAsync<T>(FakeTimeProvider clock, ZapierClient client, Task<T> wait, int maxSteps = 10_000)
    {
        await DriveAsync(clock, client, [wait], maxSteps);
        return await wait;
    }

    public static async Task DriveAsync(FakeTimeProvider clock, ZapierClient client, IReadOnlyCollection<Task> waits, int maxSteps = 100_000)
    {
        var scheduler = client.Scheduler;
        for (var step = 0; step < maxSteps; step++)
        {
            var pending = waits.Count(w => !w.IsCompleted);
            if (pending == 0)
            {
                return;
            }

            var changed = scheduler.WhenChangedAsync();
            if (scheduler.Queued >= pending && scheduler.NextWake is { } wake)
            {
                if (wake > clock.GetUtcNow())
                {
                    clock.SetUtcNow(wake);
                }
                else
                {
                    clock.Advance(TimeSpan.Zero); // fire timers that are due now
                }

                // Moving the clock released nothing yet (the released work runs on the thread pool): give it a moment
                // instead of spinning through the step budget while a loaded machine schedules it.
                if (!changed.IsCompleted)
                {
                    await Task.WhenAny(changed, Task.Delay(TimeSpan.FromMilliseconds(5)));
                }

                continue;
            }

            // Something is in flight (an HTTP request or a continuation): wait for the scheduler or a wait to move.
            // The waits are read once more: one may have ended since they were counted (Task.WhenAny refuses none).
            var unfinished = waits.Where(w => !w.IsCompleted).ToList();
            if (unfinished.Count > 0)
            {
                await Task.WhenAny(Task.WhenAny(unfinished), changed, Task.Delay(TimeSpan.FromSeconds(30)));
            }
        }

        throw new InvalidOperationException($"Waits still pending after {maxSteps} steps of the fake clock.");
    }
}
