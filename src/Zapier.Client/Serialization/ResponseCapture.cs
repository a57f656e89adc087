using System.Net.Http.Headers;
using Microsoft.Kiota.Abstractions;

namespace Zapier.Client.Serialization;

/// <summary>
/// Attached to each request by the client; the HTTP pipeline records in it what the final response was, so an error
/// raised while reading the body can still name the status and quote the body.
/// </summary>
internal sealed class ResponseCapture : IRequestOption
{
    public static readonly HttpRequestOptionsKey<IRequestOption> Key = new(typeof(ResponseCapture).FullName!);

    public int? Status { get; set; }

    public Dictionary<string, IEnumerable<string>> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The start of a body that was not JSON, if one was seen.</summary>
    public string? Snippet { get; set; }

    /// <summary>The body stream handed to the parser, which remembers its first bytes.</summary>
    public CappedStream? Body { get; set; }

    /// <summary>The best quote of the body available: a non-JSON body's start, or the first bytes the parser read.</summary>
    public string? BodyStart => Snippet ?? (Body?.Prefix is { Length: > 0 } prefix ? prefix : null);

    public void Record(HttpResponseMessage response)
    {
        Status = (int)response.StatusCode;
        Headers.Clear();
        foreach (var (name, values) in response.Headers.Concat<KeyValuePair<string, IEnumerable<string>>>(response.Content.Headers))
        {
            Headers[name] = values.ToList();
        }
    }
}
