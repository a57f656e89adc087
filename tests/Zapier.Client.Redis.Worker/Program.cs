using System.Text.Json;
using Zapier.Client;
using Zapier.Client.ActionRuns;
using Zapier.Client.Redis;

// One process of a fleet: starts RUNS action runs at once and waits for each, then prints one JSON line with what
// happened. Arguments: base URL, Redis configuration (or "local" for a per-process budget), runs, requests a minute
// per egress address, per partner, start time (Unix ms: every process begins together), deadline in seconds, fleet size.
if (args.Length != 8)
{
    Console.Error.WriteLine("usage: worker <baseUrl> <redis|local> <runs> <perEgress> <perPartner> <startUnixMs> <deadlineSeconds> <fleetSize>");
    return 2;
}

var baseUrl = new Uri(args[0]);
var redis = args[1];
var runs = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
var perEgress = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
var perPartner = int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture);
var start = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture));
var deadline = TimeSpan.FromSeconds(double.Parse(args[6], System.Globalization.CultureInfo.InvariantCulture));
var fleetSize = int.Parse(args[7], System.Globalization.CultureInfo.InvariantCulture);

var options = new ZapierClientOptions
{
    BaseUrl = baseUrl,
    AccessToken = "fleet-token",
    RequestTimeout = deadline,
    ActionRunWaiting = new ActionRunWaitOptions { InitialDelay = TimeSpan.Zero, Timeout = deadline },
};
using var budget = redis == "local" ? null : ZapierRedisBudget.Create(new ZapierRedisBudgetOptions
{
    Configuration = redis,
    Partner = "fleet-test",
    RequestsPerMinutePerEgress = perEgress,
    RequestsPerMinutePerPartner = perPartner,
    FleetSize = fleetSize,
});
if (budget is null)
{
    options.RequestsPerMinute = Math.Min(perEgress, perPartner);
}
else
{
    options.UseRedisBudget(budget);
}

// The transport stamps each request with the time it leaves (Unix ms, this machine's clock): the stub counts its
// limit by that time, so a stall of the stub's own process does not bunch arrivals that were sent evenly.
using var client = new ZapierClient(new SentAtStamp(), options, disposeTransport: true);

// Warm up (code paths compiled, connection open) on a path the stub does not count, so that the first counted
// requests are not sent late all together.
await client.GetActionRun("warmup").UpdateStatusAsync();

var wait = start - DateTimeOffset.UtcNow;
if (wait > TimeSpan.Zero)
{
    await Task.Delay(wait);
}

var outcomes = await Task.WhenAll(Enumerable.Range(0, runs).Select(async i =>
{
    try
    {
        var run = await client.RunActionAsync(ActionRunWaitUntil.Completed, new ActionRunRequest($"action-{Environment.ProcessId}-{i}"));
        return run.LastState is { Succeeded: true } ? "completed" : "ended " + run.LastState?.Status?.Value;
    }
    catch (Exception e)
    {
        return e.GetType().Name;
    }
}));

var counts = outcomes.GroupBy(o => o).ToDictionary(g => g.Key, g => g.Count());
Console.WriteLine(JsonSerializer.Serialize(new { runs, outcomes = counts, budgetLocalPermits = budget?.LocalPermits ?? 0 }));
return 0;

/// <summary>Adds <c>X-Sent-At</c> (Unix milliseconds, with fractions) to each request just before it is sent.</summary>
internal sealed class SentAtStamp() : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false })
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Remove("X-Sent-At");
        request.Headers.TryAddWithoutValidation("X-Sent-At", (DateTimeOffset.UtcNow.UtcTicks / (double)TimeSpan.TicksPerMillisecond - DateTimeOffset.UnixEpoch.UtcTicks / (double)TimeSpan.TicksPerMillisecond).ToString("F3", System.Globalization.CultureInfo.InvariantCulture));
        return base.SendAsync(request, cancellationToken);
    }
}
