namespace Zapier.Client.Tests.Support;

/// <summary>Fake credentials the tests configure and then look for (or for their absence) on the wire.</summary>
internal static class TestCredentials
{
    public const string AccessToken = "test-token-7f3a9c";

    public const string ClientId = "test-client-4b1e";

    /// <summary>A client on the real clock with retries off: each test sees exactly the stub's one answer.</summary>
    public static ZapierClient Client(Uri baseUrl, bool withToken = true, bool withClientId = true) =>
        new(new ZapierClientOptions
        {
            BaseUrl = baseUrl,
            AccessToken = withToken ? AccessToken : null,
            ClientId = withClientId ? ClientId : null,
            Retry = ZapierRetryOptions.Default with { MaxRetries = 0 },
        });

    /// <summary>A client on a fake clock against a stub, with the test's access token.</summary>
    public static ZapierClient FakeTimeClient(TimeProvider clock, Uri baseUrl, int requestsPerMinute = 60) =>
        new(new ZapierClientOptions
        {
            BaseUrl = baseUrl,
            AccessToken = AccessToken,
            TimeProvider = clock,
            RequestsPerMinute = requestsPerMinute,
        });
}
