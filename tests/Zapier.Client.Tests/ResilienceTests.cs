using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Zapier.Client.Errors;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests;

/// <summary>Retry settings per client and per request, on a fake clock (the fault catalog covers the method rules).</summary>
public sealed class ResilienceTests(StubServerFixture stub) : IClassFixture<StubServerFixture>
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_request_can_turn_retries_off_for_itself()
    {
        Respond503();
        using var client = Client(ZapierRetryOptions.Default);

        var call = client.V2.ActionRuns["r"].GetAsync(c => c.Options.Add(new ZapierRetryOptions { MaxRetries = 0 }));
        var error = await Assert.ThrowsAsync<ZapierApiException>(() => FakeTimeDriver.DriveAsync(_clock, client, call));

        Assert.Equal(503, error.StatusCode);
        Assert.Single(stub.Server.LogEntries);
    }

    [Fact]
    public async Task The_client_setting_bounds_the_attempts_and_the_backoff_waits_on_the_clients_clock()
    {
        Respond503();
        using var client = Client(ZapierRetryOptions.Default with { MaxRetries = 2, BaseDelay = TimeSpan.FromSeconds(10), MaxDelay = TimeSpan.FromSeconds(10) });

        var call = client.V2.ActionRuns["r"].GetAsync();
        await Assert.ThrowsAsync<ZapierApiException>(() => FakeTimeDriver.DriveAsync(_clock, client, call));

        Assert.Equal(3, stub.Server.LogEntries.Count());
        var waited = _clock.GetUtcNow() - new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.InRange(waited, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(20)); // two backoffs of 10 s, each -25 % jitter at most, capped at 10 s
    }

    [Fact]
    public void Out_of_range_retry_settings_are_refused_at_construction()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Client(ZapierRetryOptions.Default with { MaxRetries = -1 }));
        Assert.Equal("MaxRetries", error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Client(ZapierRetryOptions.Default with { AttemptTimeout = TimeSpan.Zero }));
    }

    private ZapierClient Client(ZapierRetryOptions retry) =>
        new(new ZapierClientOptions { BaseUrl = stub.BaseUrl, AccessToken = TestCredentials.AccessToken, TimeProvider = _clock, Retry = retry });

    private void Respond503()
    {
        stub.Server.Reset();
        stub.Server.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithStatusCode(503)
            .WithHeader("Content-Type", "application/json").WithBody("""{"errors":[{"status":503,"code":"unavailable","title":"Unavailable","detail":"Later."}]}"""));
    }
}
