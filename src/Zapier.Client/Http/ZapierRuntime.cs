using Microsoft.Extensions.Logging;
using Zapier.Client.ActionRuns;

namespace Zapier.Client.Http;

/// <summary>What one client shares among its requests and waits: the clock, the scheduler and the defaults.</summary>
internal sealed class ZapierRuntime(TimeProvider time, int requestsPerMinute, ActionRunWaitOptions waitDefaults, ILogger logger) : IDisposable
{
    public ILogger Logger { get; } = logger;

    public TimeProvider Time { get; } = time;

    public RequestScheduler Scheduler { get; } = new(time, requestsPerMinute);

    public ActionRunWaitOptions WaitDefaults { get; } = waitDefaults;

    public void Dispose() => Scheduler.Dispose();
}
