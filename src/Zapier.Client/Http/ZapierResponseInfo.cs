using Microsoft.Kiota.Abstractions;
using Zapier.Client.Http;
using Zapier.Client.Resilience;

namespace Zapier.Client;

/// <summary>
/// What the server's response to one call said, on success as well as on failure: its status, request id and
/// rate-limit headers, typed. Add an instance to a call's options and read it when the call has returned:
/// <code>
/// var info = new ZapierResponseInfo();
/// var zaps = await zapier.V2.Zaps.GetAsync(c =&gt; c.Options.Add(info), ct);
/// Console.WriteLine($"{info.RequestId}: {info.RateLimitRemaining} requests left until {info.RateLimitReset}");
/// </code>
/// The client fills it when the call ends (a later call given the same instance overwrites it). Calls without one
/// cost nothing extra. <see cref="ActionRuns.ActionRunRequest.ResponseInfo"/> and
/// <see cref="ZapierListOptions.ResponseInfo"/> take one for the hand-written methods.
/// </summary>
public sealed class ZapierResponseInfo : IRequestOption
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoHeaders =
        new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The HTTP status of the final response; null when none arrived (a network failure, a timeout).</summary>
    public int? StatusCode { get; private set; }

    /// <summary>The request id the server reported (the first of <see cref="Errors.ZapierApiException.RequestIdHeaders"/> present).</summary>
    public string? RequestId { get; private set; }

    /// <summary><c>X-RateLimit-Limit</c>, if sent.</summary>
    public long? RateLimitLimit { get; private set; }

    /// <summary><c>X-RateLimit-Remaining</c>: requests the server still allows in its current window, if sent.</summary>
    public long? RateLimitRemaining { get; private set; }

    /// <summary><c>X-RateLimit-Reset</c> as a time (the header carries Unix seconds), if sent.</summary>
    public DateTimeOffset? RateLimitReset { get; private set; }

    /// <summary><c>Retry-After</c> (seconds or an HTTP date) as a delay from when the response was read, if sent.</summary>
    public TimeSpan? RetryAfter { get; private set; }

    /// <summary>Attempts that reached the network for this call: 1, plus one for each retry.</summary>
    public int Attempts { get; private set; }

    /// <summary>All headers of the final response (content headers included), case-insensitive; empty when none arrived.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Headers { get; private set; } = NoHeaders;

    /// <summary>The first value of a header of the final response, or null.</summary>
    public string? Header(string name) =>
        Headers.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    /// <summary>Copies what the call's context recorded (the whole previous content is replaced).</summary>
    internal void Fill(ZapierCallContext call, DateTimeOffset now)
    {
        StatusCode = call.Status;
        Attempts = call.Attempts;
        Headers = call.Response is null
            ? NoHeaders
            : call.ResponseHeaders().ToDictionary(h => h.Key, h => (IReadOnlyList<string>)[.. h.Value], StringComparer.OrdinalIgnoreCase);
        var hints = ServerHints.Read(Header, now);
        RequestId = hints.RequestId;
        RetryAfter = hints.RetryAfter;
        RateLimitLimit = hints.RateLimitLimit;
        RateLimitRemaining = hints.RateLimitRemaining;
        RateLimitReset = hints.RateLimitReset;
    }
}
