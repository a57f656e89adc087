using System.Globalization;
using System.Net.Http.Headers;

namespace Zapier.Client.Resilience;

/// <summary>
/// Reads when the server wants the next request, in one place: Retry-After (seconds or an HTTP date, parsed by the
/// framework's <see cref="RetryConditionHeaderValue"/>), and X-RateLimit-Reset when X-RateLimit-Remaining is 0
/// (with requests left, the rest of the window is spread evenly over them).
/// </summary>
internal static class ServerHints
{
    private const string Remaining = "X-RateLimit-Remaining";
    private const string Reset = "X-RateLimit-Reset";

    /// <summary>The earliest time for another request according to a response's headers, if they say.</summary>
    public static DateTimeOffset? NotBefore(HttpResponseMessage response, DateTimeOffset now)
    {
        var headers = response.Headers;
        var retryAfter = At(headers.RetryAfter, now);
        if (!headers.NonValidated.TryGetValues(Remaining, out var remaining) || !headers.NonValidated.TryGetValues(Reset, out var reset))
        {
            return retryAfter;
        }

        return Later(retryAfter, RateLimited(First(remaining), First(reset), now));
    }

    /// <summary>The same from a header lookup (an exception's captured headers).</summary>
    public static DateTimeOffset? NotBefore(Func<string, string?> header, DateTimeOffset now) =>
        Later(RetryAfter(header("Retry-After"), now), RateLimited(header(Remaining), header(Reset), now));

    /// <summary>Parses a Retry-After value (delta-seconds or an HTTP date) to the time it names.</summary>
    public static DateTimeOffset? RetryAfter(string? value, DateTimeOffset now) =>
        RetryConditionHeaderValue.TryParse(value, out var parsed) ? At(parsed, now) : null;

    /// <summary>X-RateLimit-Reset as a time (Unix seconds), if it is one.</summary>
    public static DateTimeOffset? ResetTime(string? value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and < 253402300799
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    /// <summary>
    /// What a response's headers say in typed form: the request id (the first of
    /// <see cref="Errors.ZapierApiException.RequestIdHeaders"/> present), Retry-After as a delay from
    /// <paramref name="now"/>, and X-RateLimit-Limit, -Remaining and -Reset. The one reading of these headers, for
    /// errors and successes alike.
    /// </summary>
    public static ResponseHints Read(Func<string, string?> header, DateTimeOffset now)
    {
        string? requestId = null;
        foreach (var name in Errors.ZapierApiException.RequestIdHeaders)
        {
            if (header(name) is { Length: > 0 } value)
            {
                requestId = value;
                break;
            }
        }

        TimeSpan? retryAfter = RetryAfter(header("Retry-After"), now) is { } at ? (at > now ? at - now : TimeSpan.Zero) : null;
        return new ResponseHints(
            requestId, retryAfter, Number(header("X-RateLimit-Limit")), Number(header(Remaining)), ResetTime(header(Reset)));
    }

    private static long? Number(string? value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static DateTimeOffset? At(RetryConditionHeaderValue? value, DateTimeOffset now) => value switch
    {
        { Delta: { } delta } => now + (delta > TimeSpan.FromDays(365) ? TimeSpan.FromDays(365) : delta),
        { Date: { } date } => date,
        _ => null,
    };

    private static DateTimeOffset? RateLimited(string? remainingText, string? resetText, DateTimeOffset now)
    {
        if (!long.TryParse(remainingText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var remaining)
            || ResetTime(resetText) is not { } reset || reset <= now)
        {
            return null;
        }

        return remaining <= 0 ? reset : now + ((reset - now) / remaining);
    }

    private static string? First(HeaderStringValues values)
    {
        foreach (var value in values)
        {
            return value;
        }

        return null;
    }

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null || a >= b ? a : b;
}

/// <summary>The typed values of a response's request-id and rate-limit headers (each null when absent or unreadable).</summary>
internal readonly record struct ResponseHints(
    string? RequestId, TimeSpan? RetryAfter, long? RateLimitLimit, long? RateLimitRemaining, DateTimeOffset? RateLimitReset);
