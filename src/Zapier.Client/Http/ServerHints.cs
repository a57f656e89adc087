using System.Globalization;

namespace Zapier.Client.Http;

/// <summary>Reads when the server wants the next request: Retry-After and the X-RateLimit-* headers.</summary>
internal static class ServerHints
{
    /// <summary>
    /// The earliest time the server accepts another request, if the headers say so: Retry-After (delta-seconds or an
    /// HTTP date); X-RateLimit-Reset when X-RateLimit-Remaining is 0; otherwise the remaining requests spread evenly
    /// until the reset.
    /// </summary>
    public static DateTimeOffset? NotBefore(Func<string, string?> header, DateTimeOffset now)
    {
        DateTimeOffset? notBefore = null;
        if (RetryAfter(header("Retry-After"), now) is { } retry)
        {
            notBefore = retry;
        }

        if (long.TryParse(header("X-RateLimit-Remaining"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var remaining)
            && long.TryParse(header("X-RateLimit-Reset"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var resetSeconds)
            && resetSeconds is > 0 and < 253402300799)
        {
            var reset = DateTimeOffset.FromUnixTimeSeconds(resetSeconds);
            if (reset > now)
            {
                var limited = remaining <= 0 ? reset : now + ((reset - now) / remaining);
                notBefore = notBefore is { } other && other > limited ? other : limited;
            }
        }

        return notBefore;
    }

    /// <summary>Parses a Retry-After value: delta-seconds or an HTTP date, relative to <paramref name="now"/>.</summary>
    public static DateTimeOffset? RetryAfter(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return now + TimeSpan.FromSeconds(Math.Min(seconds, (long)TimeSpan.MaxValue.TotalSeconds / 2));
        }

        return DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? date
            : null;
    }

    /// <summary>Looks a header up in Kiota's case-sensitive or .NET's header collections without caring about case.</summary>
    public static Func<string, string?> From(IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers) =>
        name => headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();
}
