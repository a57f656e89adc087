using Microsoft.Extensions.Logging;

namespace Zapier.Client.Redis;

/// <summary>The budget's log messages, with stable event ids.</summary>
internal static partial class RedisBudgetLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning,
        Message = "The fleet budget cannot reach Redis ({ErrorType}: {Error}); until it answers again, each process keeps to its local share: {LocalRequestsPerMinute:0.##} requests a minute.")]
    public static partial void RedisFailed(ILogger logger, double localRequestsPerMinute, string errorType, string error);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning,
        Message = "The fleet budget cannot reach Redis ({ErrorType}: {Error}); until it answers again, requests are refused (OnRedisFailure is Refuse).")]
    public static partial void RedisFailedRefusing(ILogger logger, string errorType, string error);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information,
        Message = "The fleet budget reaches Redis again ({LocalPermits} permits were granted locally so far).")]
    public static partial void BackOnRedis(ILogger logger, long localPermits);
}
