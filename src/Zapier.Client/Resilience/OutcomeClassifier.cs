using System.Net.Sockets;
using Zapier.Client.Errors;

namespace Zapier.Client.Resilience;

/// <summary>What an attempt's outcome says about trying the same request again.</summary>
internal enum OutcomeKind
{
    /// <summary>The API answered with a success or redirect status.</summary>
    Success,

    /// <summary>"Not now" rather than "no": the same request may work later (408, 429, 500, 502, 503, 504, network, timeout).</summary>
    Transient,

    /// <summary>The answer will not change by asking again (other 4xx and 5xx, unusable responses, bad input).</summary>
    Final,
}

/// <summary>
/// The one place that classifies outcomes. HTTP retries and the action-run waiter both ask it, so a status is never
/// transient for one and final for the other. Whether a transient failure may be <em>sent again</em> also depends on
/// the method: see <see cref="MayResend"/>.
/// </summary>
internal static class OutcomeClassifier
{
    /// <summary>The status codes that are transient; everything else at or above 400 is final.</summary>
    public static readonly IReadOnlyList<int> TransientStatuses = [408, 429, 500, 502, 503, 504];

    public static OutcomeKind Classify(int status) => status switch
    {
        < 400 => OutcomeKind.Success,
        408 or 429 or 500 or 502 or 503 or 504 => OutcomeKind.Transient,
        _ => OutcomeKind.Final,
    };

    /// <summary>Exceptions from the pipeline (before translation) and from the client's family (after it).</summary>
    public static OutcomeKind Classify(Exception exception) => exception switch
    {
        ZapierApiException api => Classify(api.StatusCode),
        ZapierNetworkException or ZapierTimeoutException => OutcomeKind.Transient,
        AttemptTimedOutException or HttpRequestException or IOException or BudgetRefusedException => OutcomeKind.Transient,
        _ => OutcomeKind.Final,
    };

    /// <summary>
    /// Whether a transient failure may be sent again. Safe methods (GET, HEAD, OPTIONS) always; others only when the
    /// request provably was not processed: a 429 (Zapier refuses before processing), a refused connection, a name that
    /// did not resolve, or a request the budget refused before sending. Never after a 5xx, a reset or a timeout of a
    /// POST: running an action twice is worse than an error.
    /// </summary>
    public static bool MayResend(HttpMethod method, int? status, Exception? exception)
    {
        var transient = status is { } s ? Classify(s) == OutcomeKind.Transient : exception is not null && Classify(exception) == OutcomeKind.Transient;
        if (!transient)
        {
            return false;
        }

        return IsSafe(method) || status == 429 || (exception is not null && NotSent(exception));
    }

    public static bool IsSafe(HttpMethod method) => method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options;

    /// <summary>Nothing reached the server: connection refused, the name did not resolve, or the budget refused it.</summary>
    private static bool NotSent(Exception exception) => exception switch
    {
        BudgetRefusedException => true,
        HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => true,
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError, InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } } => true,
        _ => false,
    };
}

/// <summary>One attempt ran out of time (the call may still be retried).</summary>
internal sealed class AttemptTimedOutException(TimeSpan limit, Exception? inner)
    : TimeoutException($"The attempt timed out after {limit.TotalSeconds:0.#} s.", inner)
{
    public TimeSpan Limit { get; } = limit;
}

/// <summary>
/// Nothing was sent: the client's request budget (a caller's limiter that does not queue) had no permit, or the
/// server asked the whole client to wait longer than this call may (<see cref="ByServer"/>).
/// </summary>
internal sealed class BudgetRefusedException(TimeSpan? retryAfter, bool byServer = false)
    : Exception(byServer ? "The server asked for no request before a time this call cannot wait for." : "The client's request budget had no permit for this request.")
{
    public TimeSpan? RetryAfter { get; } = retryAfter;

    public bool ByServer { get; } = byServer;
}
