using Microsoft.Extensions.Logging;
using Zapier.Client.ActionRuns;

namespace Zapier.Client.Http;

/// <summary>
/// What one client shares among all its requests and action-run waits: the clock, the scheduler (request budget,
/// server holds, retry backoffs and poll timers), the logger and the default wait options.
/// </summary>
internal sealed class SharedClientServices(TimeProvider time, int requestsPerMinute, ActionRunWaitOptions waitDefaults, ILogger logger) : IDisposable
{
    public ILogger Logger { get; } = logger;

    public TimeProvider Time { get; } = time;

    public RequestScheduler Scheduler { get; } = new(time, requestsPerMinute);

    public ActionRunWaitOptions WaitDefaults { get; } = waitDefaults;

    public void Dispose() => Scheduler.Dispose();
}
