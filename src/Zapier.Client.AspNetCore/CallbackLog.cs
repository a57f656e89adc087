using Microsoft.Extensions.Logging;

namespace Zapier.Client.AspNetCore;

/// <summary>What the callback receiver logs (never a token or a body), with stable event ids.</summary>
internal sealed partial class CallbackLog(ILogger<CallbackLog> logger)
{
    private readonly ILogger _logger = logger;

    [LoggerMessage(EventId = 100, EventName = "CallbackAccepted", Level = LogLevel.Debug,
        Message = "Accepted the callback of action run {RunId} ({Status})")]
    public partial void Accepted(string runId, string status);

    [LoggerMessage(EventId = 101, EventName = "CallbackDuplicate", Level = LogLevel.Debug,
        Message = "The callback of action run {RunId} was already accepted; answered again without passing it on")]
    public partial void Duplicate(string runId);

    [LoggerMessage(EventId = 102, EventName = "CallbackRefused", Level = LogLevel.Warning,
        Message = "Refused an action-run callback with {StatusCode}: {Reason}")]
    public partial void Refused(int statusCode, string reason);

    [LoggerMessage(EventId = 103, EventName = "JwksFetched", Level = LogLevel.Information,
        Message = "Fetched Zapier's JWKS: {Keys} signing key(s)")]
    public partial void JwksFetched(int keys);

    [LoggerMessage(EventId = 104, EventName = "JwksFetchFailed", Level = LogLevel.Warning,
        Message = "Could not fetch Zapier's JWKS ({ErrorType}: {Error})")]
    public partial void JwksFetchFailed(string errorType, string error);

    [LoggerMessage(EventId = 105, EventName = "CallbackNotPassedOn", Level = LogLevel.Warning,
        Message = "The completion channel failed to take the callback of action run {RunId} ({ErrorType}); answered 503 so that Zapier sends it again")]
    public partial void PublishFailed(string runId, string errorType);
}
