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

    /// <summary>Time allowed for one HTTP request, including reading the response; defaults to 100 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    internal ZapierClientOptions Clone() => (ZapierClientOptions)MemberwiseClone();
}
