namespace Zapier.Client.Testing;

/// <summary>Settings of a <see cref="ZapierSandbox"/>; every one has a default that suits a unit test.</summary>
public sealed class ZapierSandboxOptions
{
    /// <summary>The default <see cref="AccessToken"/>.</summary>
    public const string DefaultAccessToken = "sandbox-access-token";

    /// <summary>The bearer token the sandbox accepts; any other request is answered 401. Default <see cref="DefaultAccessToken"/>.</summary>
    public string AccessToken { get; set; } = DefaultAccessToken;

    /// <summary>The loopback port to listen on; 0 (the default) takes a free one.</summary>
    public int Port { get; set; }

    /// <summary>Items per page of a list when the request gives no <c>limit</c>: 10, as Zapier.</summary>
    public int DefaultPageSize { get; set; } = 10;

    /// <summary>Zapier's rate limit, or null (the default) for none. See <see cref="SandboxRateLimit"/>.</summary>
    public SandboxRateLimit? RateLimit { get; set; }

    /// <summary>The clock of the rate limit's windows and of the journal's times. Default the system clock; give a fake one to test waits under the limit.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Where a run's callback is really POSTed, given the <c>callback_url</c> of its create. The client only sends
    /// public https callback URLs, as Zapier requires, while a test's receiver listens on loopback: map one to the
    /// other here (for example <c>url =&gt; new Uri(receiverBase, url.PathAndQuery)</c>). While it is null (the
    /// default) the sandbox sends no callback by itself, so a test never reaches out to the public host a
    /// <c>callback_url</c> names; <see cref="ZapierSandbox.SendCallbackAsync"/> then POSTs to the URL as given.
    /// </summary>
    public Func<Uri, Uri>? CallbackAddress { get; set; }

    /// <summary>When true (the default) and <see cref="CallbackAddress"/> is set, a run created with a <c>callback_url</c> has its callback POSTed as soon as the create is answered, reporting the script's final outcome; when false, only <see cref="ZapierSandbox.SendCallbackAsync"/> sends it.</summary>
    public bool SendCallbacks { get; set; } = true;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(AccessToken, nameof(AccessToken));
        ArgumentOutOfRangeException.ThrowIfNegative(Port, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfLessThan(DefaultPageSize, 1, nameof(DefaultPageSize));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        if (RateLimit is { RequestsPerMinute: < 1 })
        {
            throw new ArgumentOutOfRangeException(nameof(RateLimit), RateLimit.RequestsPerMinute, "RateLimit.RequestsPerMinute must be at least 1.");
        }
    }
}

/// <summary>
/// Zapier's rate limit as the sandbox plays it: at most <see cref="RequestsPerMinute"/> requests in a minute (the
/// minute starts with its first request); the request over it, and every request during the <see cref="Cooldown"/>
/// that follows, is answered 429 with <c>Retry-After</c> (seconds left) and <c>X-RateLimit-Limit</c>,
/// <c>X-RateLimit-Remaining</c> and <c>X-RateLimit-Reset</c> (epoch seconds). The <c>X-RateLimit-*</c> headers go
/// with every answer while the limit is on.
/// </summary>
public sealed record SandboxRateLimit
{
    /// <summary>Requests allowed a minute: 60, Zapier's limit per IP address.</summary>
    public int RequestsPerMinute { get; init; } = 60;

    /// <summary>How long requests are refused after the limit is passed: 60 s, as Zapier.</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromSeconds(60);
}
