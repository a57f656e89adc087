using System.Threading.RateLimiting;
using Zapier.Client.ActionRuns;
using Zapier.Client.Errors;
using Zapier.Client.Tests.Faults;
using Zapier.Client.Tests.Lists;

namespace Zapier.Client.Tests;

/// <summary>
/// What a response said, on success too (<see cref="ZapierResponseInfo"/>), and the budget's own view
/// (<see cref="ZapierClient.Budget"/>), read on a fake clock against WireMock.
/// </summary>
public sealed class ResponseInfoTests
{
    private const string RunJson = """{"data":{"type":"run","status":"success","results":[],"errors":[]}}""";

    private static readonly DateTimeOffset Reset = PagedStub.Start.AddSeconds(40);

    [Fact]
    public async Task A_200_fills_the_response_info_with_the_request_id_and_the_rate_limit_headers_typed()
    {
        using var stub = new PagedStub(_ => FaultAnswer.Json(200, RunJson,
            ("X-Request-Id", "req-200"), ("X-RateLimit-Limit", "60"), ("X-RateLimit-Remaining", "57"),
            ("X-RateLimit-Reset", Reset.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)), ("Retry-After", "3")));
        var info = new ZapierResponseInfo();

        var run = await stub.DriveAsync(stub.Client.V2.ActionRuns["r-1"].GetAsync(c => c.Options.Add(info)));

        Assert.Equal(Generated.Models.ActionRunResponseStatusEnum.Success, run!.Data!.Status);
        Assert.Equal(200, info.StatusCode);
        Assert.Equal("req-200", info.RequestId);
        Assert.Equal(60, info.RateLimitLimit);
        Assert.Equal(57, info.RateLimitRemaining);
        Assert.Equal(Reset, info.RateLimitReset);
        Assert.Equal(TimeSpan.FromSeconds(3), info.RetryAfter);
        Assert.Equal(1, info.Attempts);
        Assert.Equal("57", info.Header("x-ratelimit-remaining"));
        Assert.Equal("application/json", info.Header("Content-Type"));
    }

    [Fact]
    public async Task A_call_that_is_retried_and_fails_fills_the_response_info_with_its_last_answer_and_attempts()
    {
        using var stub = new PagedStub(_ => FaultAnswer.Error(503, ("X-Zapier-Request-Id", "req-503")));
        var info = new ZapierResponseInfo();

        var error = await Assert.ThrowsAsync<ZapierApiException>(() => stub.DriveAsync(stub.Client.V2.ActionRuns["r-1"].GetAsync(c => c.Options.Add(info))));

        Assert.Equal(503, error.StatusCode);
        Assert.Equal(503, info.StatusCode);
        Assert.Equal("req-503", info.RequestId);
        Assert.Equal(4, info.Attempts); // the first attempt and the default 3 retries
        Assert.Null(info.RateLimitRemaining);
    }

    [Fact]
    public async Task Starting_a_run_fills_the_requests_response_info()
    {
        using var stub = new PagedStub(_ => FaultAnswer.Json(200, """{"data":{"type":"run","id":"arun_1"}}""", ("X-Request-Id", "req-create")));
        var info = new ZapierResponseInfo();

        var run = await stub.DriveAsync(stub.Client.StartActionRunAsync(new ActionRunRequest("core:1") { ResponseInfo = info }));

        Assert.Equal("arun_1", run.Id);
        Assert.Equal("req-create", info.RequestId);
        Assert.Equal(200, info.StatusCode);
    }

    [Fact]
    public async Task Each_retrieval_of_a_run_carries_what_its_response_said()
    {
        using var stub = new PagedStub(_ => FaultAnswer.Json(200, RunJson, ("X-Request-Id", "req-poll"), ("X-RateLimit-Remaining", "41")));

        var state = await stub.DriveAsync(stub.Client.GetActionRun("arun_1").UpdateStatusAsync());
        var waited = await stub.DriveAsync(stub.Client.GetActionRun("arun_2").WaitForCompletionAsync());

        Assert.Equal(("req-poll", 200, 41L), (state.ResponseInfo!.RequestId, state.ResponseInfo.StatusCode, state.ResponseInfo.RateLimitRemaining));
        Assert.Equal("req-poll", waited.ResponseInfo!.RequestId);
    }

    [Fact]
    public async Task The_default_budget_shows_a_full_minute_then_one_request_less_and_its_next_slot()
    {
        using var stub = new PagedStub(_ => FaultAnswer.Json(200, RunJson));

        var fresh = stub.Client.Budget;
        await stub.DriveAsync(stub.Client.V2.ActionRuns["r-1"].GetAsync());
        var after = stub.Client.Budget;

        Assert.Equal(new ZapierBudgetStatus
        {
            RequestsPerMinute = 60, RemainingThisMinute = 60, AvailableNow = 1, Queued = 0, NextFreeSlot = PagedStub.Start, HeldUntil = null,
        }, fresh);
        Assert.Equal(new ZapierBudgetStatus
        {
            RequestsPerMinute = 60, RemainingThisMinute = 59, AvailableNow = 0, Queued = 0, NextFreeSlot = PagedStub.Start.AddSeconds(1), HeldUntil = null,
        }, after);
    }

    [Fact]
    public async Task The_budget_shows_the_servers_hold_and_the_requests_left_after_it()
    {
        using var stub = new PagedStub(_ => FaultAnswer.Json(200, RunJson, ("Retry-After", "30")));

        await stub.DriveAsync(stub.Client.V2.ActionRuns["r-1"].GetAsync());
        var held = stub.Client.Budget;

        Assert.Equal(PagedStub.Start.AddSeconds(30), held.HeldUntil);
        Assert.Equal(PagedStub.Start.AddSeconds(30), held.NextFreeSlot);
        Assert.Equal(30, held.RemainingThisMinute); // one a second from second 30 to second 59
    }

    [Fact]
    public void A_caller_supplied_limiter_is_shown_by_its_own_statistics()
    {
        using var limiter = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions { PermitLimit = 5, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
        using var client = new ZapierClient(new ZapierClientOptions { AccessToken = "t", RateLimiter = limiter });
        using var lease = limiter.AttemptAcquire();

        var budget = client.Budget;

        Assert.Equal(4, budget.AvailableNow);
        Assert.Equal(0, budget.Queued);
        Assert.Null(budget.RequestsPerMinute);
        Assert.Null(budget.RemainingThisMinute);
        Assert.Null(budget.NextFreeSlot);
    }
}
