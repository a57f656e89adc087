namespace Zapier.Client;

/// <summary>Settings for a <see cref="ZapierClient"/>: where to send requests and which credentials to use.</summary>
public sealed class ZapierClientOptions
{
    /// <summary>The Partner API's address.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://api.zapier.com");

    /// <summary>
    /// Where requests go; defaults to <see cref="DefaultBaseUrl"/>. Must be <c>https</c> unless the host is a loopback
    /// address (a local stub). Credentials are only ever sent to this scheme, host and port.
    /// </summary>
    public Uri BaseUrl { get; set; } = DefaultBaseUrl;

    /// <summary>A user or app access token, sent as <c>Authorization: Bearer</c> to operations that accept OAuth.</summary>
    public string? AccessToken { get; set; }

    /// <summary>Supplies an access token for each request that needs one (takes precedence over <see cref="AccessToken"/>).</summary>
    public Func<CancellationToken, ValueTask<string>>? AccessTokenProvider { get; set; }

    /// <summary>
    /// The partner's client id, sent as the <c>client_id</c> query parameter to operations whose security accepts it
    /// (and filled in where an operation declares a <c>client_id</c> query parameter that was left unset).
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>Time allowed for one call, all retries included; defaults to 100 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// Requests per minute this client allows itself, spread evenly; defaults to 60, Zapier's per-IP limit. The
    /// server's Retry-After and X-RateLimit-* headers can only make it slower. Applies to the client's own pipeline
    /// (not to a caller-supplied HttpClient, except for action-run polls).
    /// </summary>
    public int RequestsPerMinute { get; set; } = 60;

    /// <summary>Default settings of action-run waits; see <see cref="ActionRuns.ActionRunWaitOptions"/>.</summary>
    public ActionRuns.ActionRunWaitOptions ActionRunWaiting { get; set; } = ActionRuns.ActionRunWaitOptions.Default;

    /// <summary>The clock for every delay the client makes (tests pass a fake one); defaults to the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>How requests are retried; see <see cref="ZapierRetryOptions"/>. A request can override it.</summary>
    public ZapierRetryOptions Retry { get; set; } = ZapierRetryOptions.Default;

    /// <summary>Largest response body the client reads, 16 MB by default; a larger one fails with a clear error.</summary>
    public long MaxResponseBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>Where the client logs retries and waits (never credentials, query strings or bodies); none by default.</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; set; }

    internal ZapierClientOptions Clone() => (ZapierClientOptions)MemberwiseClone();
}
