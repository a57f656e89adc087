using System.Text;
using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Zapier.Client.ActionRuns;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests.ActionRuns;

/// <summary>
/// The client side of action-run callbacks, without HTTP for the callback itself: completions published on an
/// in-process channel, waits on a fake clock against the WireMock run stub (the receiver has its own tests).
/// </summary>
public sealed class CallbackCompletionTests : FakeClockStubTest, IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 5, 22, 10, 0, 0, TimeSpan.Zero);
    private static readonly Uri CallbackUrl = new("https://hooks.example.com/zapier/action-runs/callback");
    private readonly InProcessActionRunCompletionChannel _channel = new();
    private readonly ZapierClient _listening;

    public CallbackCompletionTests()
        : base(Start)
    {
        _listening = new ZapierClient(new ZapierClientOptions
        {
            BaseUrl = Stub.BaseUrl,
            AccessToken = TestCredentials.AccessToken,
            TimeProvider = Clock,
            ActionRunCallbackUrl = CallbackUrl,
            ActionRunCompletions = _channel,
        });
    }

    void IDisposable.Dispose()
    {
        _listening.Dispose();
        Dispose();
    }

    private static ActionRunCompletion Completion(string id, string status = "success")
    {
        var body = Encoding.UTF8.GetBytes($$$"""{"data":{"type":"run","id":"{{{id}}}","status":"{{{status}}}","results":[{"n":1}],"errors":[]}}""");
        Assert.True(ActionRunCompletion.TryParse(body, out var completion, out var problem), problem);
        return completion;
    }

    private void AnswerCreate(string id) =>
        Stub.Server.Given(Request.Create().UsingPost().WithPath("/v2/action-runs")).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithBody(new JsonObject { ["data"] = new JsonObject { ["type"] = "run", ["id"] = id } }.ToJsonString()));

    [Fact]
    public async Task Start_sends_the_client_callback_url_unless_the_request_names_its_own()
    {
        AnswerCreate("arun_1");

        await _listening.StartActionRunAsync(new ActionRunRequest("core:1"));
        await FakeTimeDriver.DriveAsync(Clock, _listening, // the second request waits for its budget slot, a second later
            _listening.StartActionRunAsync(new ActionRunRequest("core:1") { CallbackUrl = new Uri("https://other.example.com/done") }));

        var sent = Stub.Server.LogEntries.Select(e => JsonNode.Parse(e.RequestMessage.Body!)!["data"]!["callback_url"]!.GetValue<string>()).ToList();
        Assert.Equal([CallbackUrl.AbsoluteUri, "https://other.example.com/done"], sent);
    }

    [Fact]
    public async Task A_published_completion_ends_a_sleeping_wait_with_the_callback_state_and_no_poll()
    {
        AnswerCreate("arun_2");
        Stub.Script("arun_2", Answer.Run("waiting"));
        var run = await _listening.StartActionRunAsync(new ActionRunRequest("core:1"));
        var wait = run.WaitForCompletionAsync();
        while (_listening.Scheduler.Queued == 0)
        {
            await _listening.Scheduler.WhenChangedAsync();
        }

        await _channel.PublishAsync(Completion("arun_2", "error"));
        var state = await wait;

        Assert.Equal(ActionRunStatus.Error, state.Status);
        Assert.Equal(1m, Assert.Single(state.Results).AdditionalData["n"]);
        Assert.Equal(Start, state.ObservedAt);
        Assert.Empty(Stub.PollTimes("arun_2"));
    }

    [Fact]
    public async Task A_callback_with_a_status_the_wait_lists_as_in_progress_does_not_end_it_and_the_wait_polls_on_its_normal_schedule()
    {
        AnswerCreate("arun_listed");
        Stub.Script("arun_listed", Answer.Run(StatusProbe.Unclassified), Answer.Run("success"));
        var run = await _listening.StartActionRunAsync(new ActionRunRequest("core:1"));
        var wait = run.WaitForCompletionAsync(ActionRunWaitOptions.Default with { Jitter = 0, InProgressStatuses = [StatusProbe.Unclassified] });
        while (_listening.Scheduler.Queued == 0)
        {
            await _listening.Scheduler.WhenChangedAsync(); // asleep until its first safety poll, 6 minutes away
        }

        await _channel.PublishAsync(Completion("arun_listed", StatusProbe.Unclassified));
        var state = await FakeTimeDriver.DriveAsync(Clock, _listening, wait);

        Assert.True(state.Succeeded);
        Assert.Equal([Start + TimeSpan.FromSeconds(1.3), Start + TimeSpan.FromSeconds(1.3 + 1.95)], Stub.PollTimes("arun_listed"));
        Assert.Same(state, run.LastState);
    }

    [Fact]
    public async Task A_run_resumed_by_id_is_polled_on_the_normal_schedule_and_still_ends_on_its_callback()
    {
        Stub.Script("arun_3", Answer.Run("waiting"));
        var wait = _listening.GetActionRun("arun_3").WaitForCompletionAsync(ActionRunWaitOptions.Default with { Jitter = 0 });

        // Drive the clock until the first normal poll (1.3 s), then let the callback end the wait.
        while (Stub.PollTimes("arun_3").Count == 0)
        {
            var changed = _listening.Scheduler.WhenChangedAsync();
            if (_listening.Scheduler.Queued > 0 && _listening.Scheduler.NextWake is { } wake)
            {
                Clock.SetUtcNow(wake);
            }

            await Task.WhenAny(changed, Stub.WhenPolledAsync());
        }

        while (_listening.Scheduler.Queued == 0)
        {
            await _listening.Scheduler.WhenChangedAsync();
        }

        await _channel.PublishAsync(Completion("arun_3"));
        var state = await wait;

        Assert.True(state.Succeeded);
        Assert.Equal([Start + TimeSpan.FromSeconds(1.3)], Stub.PollTimes("arun_3"));
    }

    [Fact]
    public async Task Through_a_users_view_another_users_kept_callback_does_not_end_the_wait_before_a_poll_shows_the_run()
    {
        Stub.Script("bobs-run", Answer.Error(404)); // not Alice's run: Zapier answers her token with 404
        await _channel.PublishAsync(Completion("bobs-run")); // Bob's callback, kept for a wait to come

        var wait = _listening.ForUser("alice-token").GetActionRun("bobs-run").WaitForCompletionAsync();
        var error = await Assert.ThrowsAsync<Errors.ZapierApiException>(() => FakeTimeDriver.DriveAsync(Clock, _listening, wait));

        Assert.Equal(404, error.StatusCode);
        Assert.Single(Stub.PollTimes("bobs-run"));
    }

    [Fact]
    public async Task Through_a_users_view_a_run_it_started_ends_on_its_callback()
    {
        AnswerCreate("alices-run");
        Stub.Script("alices-run", Answer.Run("waiting"));
        var run = await _listening.ForUser("alice-token").StartActionRunAsync(new ActionRunRequest("core:1"));
        var wait = run.WaitForCompletionAsync();
        while (_listening.Scheduler.Queued == 0)
        {
            await _listening.Scheduler.WhenChangedAsync();
        }

        await _channel.PublishAsync(Completion("alices-run"));
        var state = await wait;

        Assert.True(state.Succeeded);
        Assert.Empty(Stub.PollTimes("alices-run"));
    }

    [Fact]
    public async Task A_completion_nobody_waits_on_is_kept_for_ten_minutes()
    {
        Stub.Script("arun_4", Answer.Run("success"));
        Stub.Script("arun_5", Answer.Run("success"));
        await _channel.PublishAsync(Completion("arun_4", "error"));
        Clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));

        var kept = await _listening.GetActionRun("arun_4").WaitForCompletionAsync();
        await _channel.PublishAsync(Completion("arun_5", "error"));
        Clock.Advance(TimeSpan.FromMinutes(10));
        var expired = await FakeTimeDriver.DriveAsync(Clock, _listening, _listening.GetActionRun("arun_5").WaitForCompletionAsync());

        Assert.Equal(ActionRunStatus.Error, kept.Status); // from the callback: the stub would have said success
        Assert.Empty(Stub.PollTimes("arun_4"));
        Assert.Equal(ActionRunStatus.Success, expired.Status); // the kept callback had expired: the poll told
        Assert.Single(Stub.PollTimes("arun_5"));
    }

    [Fact]
    public async Task At_most_a_thousand_completions_nobody_waits_on_are_kept_the_oldest_going_first()
    {
        for (var i = 0; i <= 1000; i++)
        {
            await _channel.PublishAsync(Completion("early-" + i));
        }

        Stub.Script("early-0", Answer.Run("error"));
        var dropped = await FakeTimeDriver.DriveAsync(Clock, _listening, _listening.GetActionRun("early-0").WaitForCompletionAsync());
        var newest = await _listening.GetActionRun("early-1000").WaitForCompletionAsync();

        Assert.Equal(1000, _listening.Core.Completions!.KeptCount);
        Assert.Equal(ActionRunStatus.Error, dropped.Status);
        Assert.Single(Stub.PollTimes("early-0"));
        Assert.Equal(ActionRunStatus.Success, newest.Status);
    }

    [Fact]
    public void A_client_callback_url_without_a_completion_channel_is_refused_with_the_reason()
    {
        var error = Assert.Throws<ArgumentException>(() => new ZapierClient(new ZapierClientOptions
        {
            AccessToken = TestCredentials.AccessToken,
            ActionRunCallbackUrl = CallbackUrl,
        }));

        Assert.Contains("ActionRunCompletions is not", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://hooks.example.com/done", "must be an absolute https URL")]
    [InlineData("https://127.0.0.1/done", "must be on a public host")]
    [InlineData("https://10.1.2.3/done", "must be on a public host")]
    public void A_client_callback_url_zapier_would_refuse_is_refused_when_the_client_is_made(string url, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => new ZapierClient(new ZapierClientOptions
        {
            AccessToken = TestCredentials.AccessToken,
            ActionRunCallbackUrl = new Uri(url),
            ActionRunCompletions = _channel,
        }));

        Assert.Contains("ActionRunCallbackUrl: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_safety_poll_interval_out_of_range_is_refused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => (ActionRunWaitOptions.Default with { SafetyPollInterval = TimeSpan.Zero }).Validate());

        Assert.Equal("SafetyPollInterval", error.ParamName);
    }
}
