using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;
using Zapier.Client.Generated.Models;

namespace Zapier.Client.Errors;

/// <summary>
/// The API answered with an error status. Carries the status, Zapier's <c>errors[]</c>, the response headers and the
/// request id, and keeps the generated <see cref="ErrorResponse"/> (or Kiota's <see cref="ApiException"/>) as the
/// inner exception.
/// </summary>
public sealed partial class ZapierApiException : ZapierException
{
    /// <summary>Response headers that carry a request id, in the order they are looked for.</summary>
    public static readonly IReadOnlyList<string> RequestIdHeaders = ["X-Request-Id", "X-Zapier-Request-Id", "Request-Id"];

    /// <summary>How much of a problem document's or gateway's text field the message quotes.</summary>
    private const int MaxFieldLength = 200;

    private ZapierApiException(
        string message, ApiException inner, string method, string path, IReadOnlyDictionary<string, IReadOnlyList<string>> headers,
        string? requestId, string? bodySnippet, DateTimeOffset now)
        : base(message, inner)
    {
        StatusCode = inner.ResponseStatusCode;
        Method = method;
        Path = path;
        Headers = headers;
        ErrorResponse = inner as ErrorResponse;
        Errors = ErrorResponse?.Errors ?? [];
        RequestId = requestId;
        BodySnippet = bodySnippet;
        var hints = Resilience.ServerHints.Read(Header, now);
        RetryAfter = hints.RetryAfter;
        RateLimitLimit = hints.RateLimitLimit;
        RateLimitRemaining = hints.RateLimitRemaining;
        RateLimitReset = hints.RateLimitReset;
    }

    /// <summary>How long the server asked to wait (Retry-After, seconds or an HTTP date), if it did.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>X-RateLimit-Limit, if sent.</summary>
    public long? RateLimitLimit { get; }

    /// <summary>X-RateLimit-Remaining, if sent.</summary>
    public long? RateLimitRemaining { get; }

    /// <summary>X-RateLimit-Reset as a time, if sent.</summary>
    public DateTimeOffset? RateLimitReset { get; }

    /// <summary>
    /// The start of the body (at most 512 characters) when it carried no Zapier <c>errors[]</c>: a gateway's HTML page,
    /// an RFC 9457 problem document, a proxy's <c>{"message": ...}</c>. Null when <see cref="Errors"/> has the details.
    /// </summary>
    public string? BodySnippet { get; }

    /// <summary>The HTTP status code of the response.</summary>
    public int StatusCode { get; }

    /// <summary>The HTTP method of the failed request.</summary>
    public string Method { get; }

    /// <summary>The path of the failed request (without the query string).</summary>
    public string Path { get; }

    /// <summary>Zapier's error objects from the response body; empty when the body had none.</summary>
    public IReadOnlyList<Error> Errors { get; }

    /// <summary>The generated error model, when the body was a JSON error document.</summary>
    public ErrorResponse? ErrorResponse { get; }

    /// <summary>The request id reported by the server, when one of <see cref="RequestIdHeaders"/> was present.</summary>
    public string? RequestId { get; }

    /// <summary>All response headers, case-insensitive.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Headers { get; }

    /// <summary>The first value of a response header, or null.</summary>
    public string? Header(string name) =>
        Headers.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    internal static ZapierApiException From(ApiException inner, RequestInformation request, DateTimeOffset now, string? bodySnippet = null)
    {
        var method = request.HttpMethod.ToString();
        var path = PathOf(request);
        var text = new StringBuilder()
            .Append("Zapier API request ").Append(method).Append(' ').Append(path)
            .Append(" failed with ").Append(inner.ResponseStatusCode);
        if (Enum.IsDefined(typeof(HttpStatusCode), inner.ResponseStatusCode))
        {
            text.Append(" (").Append(SpacedWords().Replace(((HttpStatusCode)inner.ResponseStatusCode).ToString(), " $1")).Append(')');
        }

        var errors = (inner as ErrorResponse)?.Errors ?? [];
        var summary = errors.Count > 0 ? string.Join("; ", errors.Select(Describe)) : OtherErrorShape(inner as IAdditionalDataHolder);
        if (summary is not null)
        {
            text.Append(": ").Append(summary);
        }

        text.Append('.');
        if (summary is null && !string.IsNullOrEmpty(bodySnippet))
        {
            text.Append(" The body starts: ").Append(bodySnippet);
        }
        var headers = inner.ResponseHeaders.ToDictionary(
            h => h.Key, h => (IReadOnlyList<string>)h.Value.ToList(), StringComparer.OrdinalIgnoreCase);
        var requestId = Resilience.ServerHints.Read(
            name => headers.TryGetValue(name, out var values) ? values.FirstOrDefault() : null, now).RequestId;
        if (requestId is not null)
        {
            text.Append(" Request id: ").Append(requestId).Append('.');
        }

        return new ZapierApiException(text.ToString(), inner, method, path, headers, requestId, bodySnippet, now);
    }

    /// <summary>The path a request went to (never the query, which may carry a client id).</summary>
    internal static string PathOf(RequestInformation request)
    {
        try
        {
            return request.URI.AbsolutePath;
        }
        catch (Exception e) when (e is InvalidOperationException or UriFormatException or ArgumentException)
        {
            return request.UrlTemplate ?? "?";
        }
    }

    /// <summary>"title [code]: detail", leaving out what is missing.</summary>
    private static string Describe(Error error) =>
        Join(string.Join(' ', new[] { error.Title, string.IsNullOrEmpty(error.Code) ? null : "[" + error.Code + "]" }
            .Where(part => !string.IsNullOrEmpty(part))), error.Detail);

    /// <summary>
    /// What an error body without Zapier's errors[] says, briefly: an RFC 9457 problem document's <c>title</c> and
    /// <c>detail</c>, else a gateway's or proxy's <c>message</c> or <c>error</c> string. Each part is cut short and has
    /// bearer tokens masked. Null when the body has none of these.
    /// </summary>
    private static string? OtherErrorShape(IAdditionalDataHolder? body)
    {
        if (body?.AdditionalData is not { } fields)
        {
            return null;
        }

        string? Field(string name) =>
            fields.TryGetValue(name, out var value) && value is string text && !string.IsNullOrWhiteSpace(text)
                ? Serialization.ZapierParseNodeFactory.Snippet(text, MaxFieldLength) : null;

        var title = Field("title");
        var detail = Field("detail") ?? Field("message") ?? Field("error");
        return title is null && detail is null ? null : Join(title ?? string.Empty, detail);
    }

    /// <summary>"head: detail" without a trailing full stop, leaving out what is missing.</summary>
    private static string Join(string head, string? detail)
    {
        detail = detail?.TrimEnd('.', ' ');
        return (head.Length, string.IsNullOrEmpty(detail)) switch
        {
            (0, true) => "(no details)",
            (0, false) => detail!,
            (_, true) => head,
            _ => head + ": " + detail,
        };
    }

    [GeneratedRegex("(?<=[a-z])([A-Z])")]
    private static partial Regex SpacedWords();
}
