using Microsoft.Kiota.Abstractions;
using Zapier.Client.Serialization;

namespace Zapier.Client.Http;

/// <summary>
/// The one per-call context (like Azure.Core's <c>HttpMessage</c>): the request adapter attaches it to every API call
/// as a typed Kiota request option, Kiota carries it into the <see cref="HttpRequestMessage"/>, and the pipeline's
/// handlers read their settings from it and record what they saw. Nothing else travels between layers.
/// </summary>
internal sealed class ZapierCallContext : IRequestOption
{
    private static readonly HttpRequestOptionsKey<IRequestOption> Key = new(typeof(ZapierCallContext).FullName!);

    /// <summary>The schema operation of the call, when the client knows it.</summary>
    public OperationEntry? Operation { get; set; }

    /// <summary>The user the call is made for (a view from <see cref="ZapierClient.ForUser(string)"/>); null for the client's own credential.</summary>
    public Authentication.ZapierUserCredential? User { get; set; }

    /// <summary>Retry settings for this call (the request's own <see cref="ZapierRetryOptions"/> or the client's).</summary>
    public ZapierRetryOptions? Retry { get; set; }

    /// <summary>True when the caller already took this call's permit from the budget (an action-run poll).</summary>
    public bool BudgetPermitTaken { get; set; }

    /// <summary>Attempts that reached the transport (1 + resends).</summary>
    public int Attempts { get; set; }

    /// <summary>Time spent waiting for the budget and the server's hold, over all attempts.</summary>
    public TimeSpan BudgetWait { get; set; }

    /// <summary>The status of the last response, if one arrived.</summary>
    public int? Status { get; set; }

    /// <summary>The last response (its headers stay readable after the body is consumed).</summary>
    public HttpResponseMessage? Response { get; set; }

    /// <summary>The start of a body that was not JSON, if one was seen.</summary>
    public string? Snippet { get; set; }

    /// <summary>The body stream handed to the parser, which remembers its first bytes.</summary>
    public CappedStream? Body { get; set; }

    /// <summary>The best quote of the body available: a non-JSON body's start, or the first bytes the parser read.</summary>
    public string? BodyStart => Snippet ?? (Body?.Prefix is { Length: > 0 } prefix ? prefix : null);

    /// <summary>The response headers (and content headers) of the last response, case-insensitive, read on demand.</summary>
    public Dictionary<string, IEnumerable<string>> ResponseHeaders()
    {
        var headers = new Dictionary<string, IEnumerable<string>>(StringComparer.OrdinalIgnoreCase);
        if (Response is { } response)
        {
            foreach (var (name, values) in response.Headers)
            {
                headers[name] = values;
            }

            foreach (var (name, values) in response.Content.Headers)
            {
                headers[name] = values;
            }
        }

        return headers;
    }

    /// <summary>The context of a request sent through the client's adapter, or null for any other request.</summary>
    public static ZapierCallContext? Of(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(Key, out var option) ? option as ZapierCallContext : null;
}
