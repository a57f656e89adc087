using Microsoft.Extensions.Logging;

namespace Zapier.Client.Telemetry;

/// <summary>
/// Every message the client logs, with stable event ids (listed in the README). Arguments are methods, path
/// templates, ids, statuses and durations: never a token, a query string or a body.
/// </summary>
internal sealed partial class ZapierLog(ILogger logger)
{
    private readonly ILogger _logger = logger;

    [LoggerMessage(EventId = 1, EventName = "Retrying", Level = LogLevel.Information,
        Message = "Retrying {Method} {Path} in {Delay} after {Reason} (retry {Retry} of {MaxRetries})")]
    public partial void Retrying(string method, string path, TimeSpan delay, string reason, int retry, int maxRetries);

    [LoggerMessage(EventId = 2, EventName = "ServerHold", Level = LogLevel.Debug,
        Message = "{Method} {Path} answered {Status} asking for no request before {Until:O}; every request of this client waits until then")]
    public partial void ServerHold(string method, string path, int status, DateTimeOffset until);

    [LoggerMessage(EventId = 3, EventName = "CallFailed", Level = LogLevel.Debug,
        Message = "{Method} {Path} failed after {Attempts} attempt(s): {ErrorType}")]
    public partial void CallFailed(string method, string path, int attempts, string errorType);

    [LoggerMessage(EventId = 4, EventName = "RetryLayerRemoved", Level = LogLevel.Warning,
        Message = "A retry handler ({HandlerType}) configured for every HttpClient was left out of the Zapier client {Client}: the client retries by itself, and a second retry layer would send a POST again")]
    public partial void RetryLayerRemoved(string handlerType, string client);

    [LoggerMessage(EventId = 10, EventName = "WaitPoll", Level = LogLevel.Debug,
        Message = "Action run {RunId}: {Status} after {Polls} polls; next poll in {Delay}{Final}")]
    public partial void WaitPoll(string runId, string status, int polls, TimeSpan delay, string final);

    [LoggerMessage(EventId = 11, EventName = "WaitEnded", Level = LogLevel.Information,
        Message = "Action run {RunId} ended with status {Status} after {Polls} polls in {Elapsed}")]
    public partial void WaitEnded(string runId, string status, int polls, TimeSpan elapsed);

    [LoggerMessage(EventId = 12, EventName = "WaitTimedOut", Level = LogLevel.Warning,
        Message = "Gave up waiting for action run {RunId} after {Polls} polls in {Elapsed}; its last status was {Status}")]
    public partial void WaitTimedOut(string runId, int polls, TimeSpan elapsed, string status);

    [LoggerMessage(EventId = 13, EventName = "PollFailed", Level = LogLevel.Debug,
        Message = "Poll {Poll} of action run {RunId} failed ({Reason}); the wait goes on")]
    public partial void PollFailed(string runId, int poll, string reason);

    [LoggerMessage(EventId = 14, EventName = "CallbackArrived", Level = LogLevel.Debug,
        Message = "Callback for action run {RunId} arrived with status {Status}, {Disposition}")]
    public partial void CallbackArrived(string runId, string status, string disposition);

    [LoggerMessage(EventId = 15, EventName = "WaitEndedByCallback", Level = LogLevel.Information,
        Message = "Action run {RunId} ended with status {Status}, told by its callback, after {Polls} polls in {Elapsed}")]
    public partial void WaitEndedByCallback(string runId, string status, int polls, TimeSpan elapsed);
}
