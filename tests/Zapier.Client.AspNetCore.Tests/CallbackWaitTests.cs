using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Zapier.Client.ActionRuns;
using Zapier.Client.AspNetCore.Tests.Support;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.AspNetCore.Tests;

/// <summary>
/// End to end: a host with the receiver and a Zapier client registered with a callback URL, a fake Zapier that
/// answers the Partner API and signs callbacks, real HTTP on loopback, the client's clock fake (waits never sleep for
/// real). The wait ends on the verified callback; polling is only the safety net.
/// </summary>
public sealed class CallbackWaitTests : IAsyncLifetime
{
    internal static readonly Uri PublicCallbackUrl = new("https://hooks.example.com/zapier/action-runs/callback");
    private static readonly DateTimeOffset Start = new(2026, 5, 22, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private FakeZapier _zapier = null!;
    private CallbackHost _host = null!;
    private ZapierClient _client = null!;

    public async Task InitializeAsync()
    {
        _zapier = await FakeZapier.StartAsync();
        _host = await StartHostAsync(_zapier, _clock);
        _client = _host.Services.GetRequiredService<ZapierClient>();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        await _zapier.DisposeAsync();
    }

    /// <summary>A host with the receiver and a Zapier client whose callback URL points (publicly) at it.</summary>
    internal static Task<CallbackHost> StartHostAsync(FakeZapier zapier, FakeTimeProvider clock) =>
        CallbackHost.StartAsync(clock, o => o.JwksUrl = zapier.JwksUrl, services => services.AddZapierClient(o =>
        {
            o.BaseUrl = zapier.BaseUrl;
            o.AccessToken = "test-token";
            o.ActionRunCallbackUrl = PublicCallbackUrl;
        }));

    /// <summary>Completes once <paramref name="count"/> waits sleep in the client's scheduler.</summary>
    internal static async Task ParkedAsync(ZapierClient client, int count = 1)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (client.Scheduler.Queued < count)
        {
            await client.Scheduler.WhenChangedAsync().WaitAsync(guard.Token);
        }
    }

    [Fact]
    public async Task A_run_started_with_the_client_callback_url_ends_on_its_signed_callback_without_a_poll()
    {
        var run = await _client.StartActionRunAsync(new ActionRunRequest("core:Vn7xbE60"));
        var wait = run.WaitForCompletionAsync();
        await ParkedAsync(_client);

        var delivered = await _zapier.DeliverAsync(_host.CallbackUrl, FakeZapier.RunBody(run.Id), _zapier.Sign(_clock.GetUtcNow()));
        var state = await wait.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(PublicCallbackUrl.AbsoluteUri, _zapier.LastCreate!.Value.GetProperty("data").GetProperty("callback_url").GetString());
        Assert.Equal(HttpStatusCode.NoContent, delivered.StatusCode);
        Assert.True(state.Succeeded);
        Assert.Equal(run.Id, state.Id);
        Assert.Equal("Ada", Assert.Single(state.Results).AdditionalData["name"]);
        Assert.Same(state, run.LastState);
        Assert.Equal(0, _zapier.Polls(run.Id));
        Assert.Equal(["POST /v2/action-runs"], _zapier.ApiRequests);
        Assert.Equal(Start, _clock.GetUtcNow()); // no time had to pass
    }

    [Fact]
    public async Task A_callback_that_arrives_before_the_wait_starts_is_kept_and_ends_the_wait_at_once()
    {
        var run = await _client.StartActionRunAsync(new ActionRunRequest("core:1"));
        var delivered = await _zapier.DeliverAsync(_host.CallbackUrl, FakeZapier.RunBody(run.Id, "error", "[]"), _zapier.Sign(_clock.GetUtcNow()));

        var state = await run.WaitForCompletionAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.NoContent, delivered.StatusCode);
        Assert.Equal(ActionRunStatus.Error, state.Status);
        Assert.Equal(0, _zapier.Polls(run.Id));
    }

    [Fact]
    public async Task A_lost_callback_is_caught_by_the_safety_poll_about_six_minutes_later()
    {
        var run = await _client.StartActionRunAsync(new ActionRunRequest("core:1"));
        _zapier.RunStatus[run.Id] = "success"; // the run ended, but its callback never comes

        var state = await FakeTimeDriver.DriveAsync(_clock, _client, run.WaitForCompletionAsync());

        Assert.True(state.Succeeded);
        Assert.Equal(true, Assert.Single(state.Results).AdditionalData["polled"]);
        Assert.Equal(1, _zapier.Polls(run.Id));
        var waited = _clock.GetUtcNow() - Start;
        Assert.InRange(waited, TimeSpan.FromMinutes(6) * 0.95, TimeSpan.FromMinutes(6)); // SafetyPollInterval, up to Jitter shorter
    }

    [Fact]
    public async Task A_callback_for_a_run_nobody_waits_on_is_acknowledged_and_ends_no_other_wait()
    {
        var run = await _client.StartActionRunAsync(new ActionRunRequest("core:1"));
        var wait = run.WaitForCompletionAsync();
        await ParkedAsync(_client);

        var unknown = await _zapier.DeliverAsync(_host.CallbackUrl, FakeZapier.RunBody("arun_from_elsewhere"), _zapier.Sign(_clock.GetUtcNow()));

        Assert.Equal(HttpStatusCode.NoContent, unknown.StatusCode);
        Assert.False(wait.IsCompleted);
        Assert.Equal(1, _client.Scheduler.Queued); // still asleep, waiting for its own run
        await _zapier.DeliverAsync(_host.CallbackUrl, FakeZapier.RunBody(run.Id), _zapier.Sign(_clock.GetUtcNow()));
        Assert.Equal(run.Id, (await wait.WaitAsync(TimeSpan.FromSeconds(30))).Id);
        Assert.Equal(0, _zapier.Polls(run.Id));
    }

    [Fact]
    public async Task Without_a_callback_the_deadline_ends_the_wait_as_before_with_one_last_poll()
    {
        var run = await _client.StartActionRunAsync(new ActionRunRequest("core:1"));

        var error = await Assert.ThrowsAsync<ActionRunTimeoutException>(() => FakeTimeDriver.DriveAsync(
            _clock, _client, run.WaitForCompletionAsync(ActionRunWaitOptions.Default with { Timeout = TimeSpan.FromMinutes(2) })));

        Assert.Equal(1, error.Polls); // the safety schedule (6 min) is clipped: one last poll at the deadline
        Assert.Equal(ActionRunStatus.Waiting, error.LastState!.Status);
        Assert.Equal(Start + TimeSpan.FromMinutes(2), _clock.GetUtcNow());
    }

    [Fact]
    public async Task Cancelling_a_wait_that_listens_for_its_callback_throws_and_a_later_callback_is_still_acknowledged()
    {
        var run = await _client.StartActionRunAsync(new ActionRunRequest("core:1"));
        using var cancel = new CancellationTokenSource();
        var wait = run.WaitForCompletionAsync(cancellationToken: cancel.Token);
        await ParkedAsync(_client);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
        var late = await _zapier.DeliverAsync(_host.CallbackUrl, FakeZapier.RunBody(run.Id), _zapier.Sign(_clock.GetUtcNow()));

        Assert.Equal(HttpStatusCode.NoContent, late.StatusCode);
        Assert.Equal(0, _client.Scheduler.Queued);
        Assert.True((await run.WaitForCompletionAsync().WaitAsync(TimeSpan.FromSeconds(30))).Succeeded); // kept: the next wait ends at once
        Assert.Equal(0, _zapier.Polls(run.Id));
    }

    [Fact]
    public async Task A_callback_that_lands_on_another_instance_does_not_reach_this_one_so_the_safety_poll_ends_the_wait()
    {
        // The limitation of the in-process channel: two instances behind one callback URL, the callback reaches the other.
        await using var other = await StartHostAsync(_zapier, _clock);
        var run = await _client.StartActionRunAsync(new ActionRunRequest("core:1"));
        var wait = run.WaitForCompletionAsync();
        await ParkedAsync(_client);

        var delivered = await _zapier.DeliverAsync(other.CallbackUrl, FakeZapier.RunBody(run.Id), _zapier.Sign(_clock.GetUtcNow()));
        _zapier.RunStatus[run.Id] = "success";
        var state = await FakeTimeDriver.DriveAsync(_clock, _client, wait);

        Assert.Equal(HttpStatusCode.NoContent, delivered.StatusCode);
        Assert.Equal([run.Id], other.Published.Select(c => c.RunId));
        Assert.Equal(1, _zapier.Polls(run.Id));
        Assert.True(state.Succeeded);
        Assert.True(_clock.GetUtcNow() - Start >= TimeSpan.FromMinutes(6) * 0.95);
    }
}
