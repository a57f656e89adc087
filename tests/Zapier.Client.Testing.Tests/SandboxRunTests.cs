using Zapier.Client.ActionRuns;
using Zapier.Client.Errors;

namespace Zapier.Client.Testing.Tests;

public sealed class SandboxRunTests
{
    [Fact]
    public async Task A_demo_send_email_run_waits_twice_then_succeeds_with_its_result()
    {
        await using var zapier = ZapierSandbox.StartWithDemoData();
        using var client = zapier.CreateClient();

        var run = await client.StartActionRunAsync(new ActionRunRequest(SandboxDemo.SendEmail)
        {
            Authentication = SandboxDemo.AuthenticationId,
            Inputs = new Dictionary<string, object?> { ["to"] = "ada@example.com" },
        });
        var state = await run.WaitForCompletionAsync();

        Assert.True(state.Succeeded);
        Assert.Equal("msg_0001", state.Results.Single().AdditionalData["id"]?.ToString());
        Assert.Equal(["waiting", "waiting", "success"], zapier.Journal.PollsOf(run.Id).Select(p => p.RunStatus));
        var create = Assert.Single(zapier.Journal.CreatesOf(SandboxDemo.SendEmail));
        Assert.Equal("ada@example.com", create.Input("to"));
        Assert.Equal(SandboxDemo.AuthenticationId, create.Authentication);
    }

    [Fact]
    public async Task A_request_without_the_sandbox_token_is_answered_401()
    {
        await using var zapier = ZapierSandbox.StartWithDemoData();
        using var client = new ZapierClient("someone-else", new ZapierClientOptions { BaseUrl = zapier.BaseUrl, Retry = ZapierRetryOptions.Default with { MaxRetries = 0 } });

        var e = await Assert.ThrowsAsync<ZapierApiException>(() => client.StartActionRunAsync(new ActionRunRequest(SandboxDemo.SendEmail)));

        Assert.Equal(401, e.StatusCode);
        Assert.Empty(zapier.Journal.Creates);
        Assert.False(Assert.Single(zapier.Journal.Requests).Authorized);
    }
}

public sealed class SandboxFaultAndListTests
{
    [Fact]
    public async Task A_create_refused_with_429_is_sent_again_and_the_journal_shows_both_attempts()
    {
        await using var zapier = ZapierSandbox.Start();
        zapier.AddAction("crm:add", run => run.FailCreates(SandboxFault.TooManyRequests()).Success(new { id = 7 }));
        using var client = zapier.CreateClient();

        var state = await (await client.StartActionRunAsync(new ActionRunRequest("crm:add"))).WaitForCompletionAsync();

        Assert.True(state.Succeeded);
        Assert.Equal([429, 200], zapier.Journal.CreatesOf("crm:add").Select(c => c.Status));
        Assert.Single(zapier.Runs);
    }

    [Fact]
    public async Task A_create_answered_503_is_not_sent_again()
    {
        await using var zapier = ZapierSandbox.Start();
        zapier.AddAction("crm:add", run => run.FailCreates(SandboxFault.ServerError(503)));
        using var client = zapier.CreateClient();

        var e = await Assert.ThrowsAsync<ZapierApiException>(() => client.StartActionRunAsync(new ActionRunRequest("crm:add")));

        Assert.Equal(503, e.StatusCode);
        Assert.Equal("A server error occurred.", e.Errors.Single().Detail);
        Assert.Single(zapier.Journal.CreatesOf("crm:add"));
        Assert.Empty(zapier.Runs);
    }

    [Fact]
    public async Task A_create_whose_connection_is_reset_fails_with_a_network_error_and_makes_no_run()
    {
        await using var zapier = ZapierSandbox.Start();
        zapier.AddAction("crm:add", run => run.FailCreates(SandboxFault.ConnectionReset()));
        using var client = zapier.CreateClient();

        await Assert.ThrowsAsync<ZapierNetworkException>(() => client.StartActionRunAsync(new ActionRunRequest("crm:add")));

        Assert.Equal(0, Assert.Single(zapier.Journal.CreatesOf("crm:add")).Status);
        Assert.Empty(zapier.Runs);
    }

    [Fact]
    public async Task Failed_polls_do_not_end_the_wait_and_the_run_moves_on_only_when_polled()
    {
        await using var zapier = ZapierSandbox.Start();
        zapier.AddAction("crm:add", run => run.Queued().Fault(SandboxFault.ServerError(502)).Fault(SandboxFault.ConnectionReset()).Running().Success(new { id = 1 }));
        using var client = zapier.CreateClient();
        var run = await client.StartActionRunAsync(new ActionRunRequest("crm:add"));
        Assert.Equal(0, zapier.Run(run.Id).Polls);

        var state = await run.WaitForCompletionAsync();

        Assert.True(state.Succeeded);
        Assert.Equal([200, 502, 0, 200, 200], zapier.Journal.PollsOf(run.Id).Select(p => p.Status));
        Assert.Equal(["queued", null, null, "running", "success"], zapier.Journal.PollsOf(run.Id).Select(p => p.RunStatus));
    }

    [Fact]
    public async Task A_run_ending_in_error_reports_its_errors_with_the_throttled_delay()
    {
        await using var zapier = ZapierSandbox.Start();
        zapier.AddAction("crm:add", run => run.Error(SandboxRunError.Throttled(45)));
        using var client = zapier.CreateClient();

        var state = await (await client.StartActionRunAsync(new ActionRunRequest("crm:add"))).WaitForCompletionAsync();

        Assert.False(state.Succeeded);
        var error = Assert.Single(state.Errors);
        Assert.Equal(45, error.Delay);
        Assert.Equal(Generated.Models.CodeEnum.Throttled, error.Code);
        Assert.Equal("error", Assert.Single(zapier.Journal.Polls).RunStatus);
    }

    [Fact]
    public async Task An_unknown_run_id_is_answered_404()
    {
        await using var zapier = ZapierSandbox.StartWithDemoData();
        using var client = zapier.CreateClient();

        var e = await Assert.ThrowsAsync<ZapierApiException>(() => client.V2.ActionRuns["no-such-run"].GetAsync());

        Assert.Equal(404, e.StatusCode);
        Assert.Equal("not_found", e.Errors.Single().Code);
    }

    [Fact]
    public async Task A_list_pages_with_limit_and_offset_and_the_client_follows_its_absolute_next_links()
    {
        await using var zapier = ZapierSandbox.Start(new ZapierSandboxOptions { DefaultPageSize = 2 });
        var app = zapier.AddApp("crm", "CRM");
        foreach (var name in new[] { "a", "b", "c", "d", "e" })
        {
            zapier.AddAction("crm:" + name);
        }

        using var client = zapier.CreateClient();

        var ids = new List<string>();
        await foreach (var action in client.V2.Actions.ListAsync(q => q.App = app.Id))
        {
            ids.Add(action.Id!);
        }

        Assert.Equal(["crm:a", "crm:b", "crm:c", "crm:d", "crm:e"], ids);
        Assert.Equal(["?app=" + app.Id, $"?app={app.Id}&limit=2&offset=2", $"?app={app.Id}&limit=2&offset=4"], zapier.Journal.RequestsTo("/v2/actions").Select(r => r.Query));
    }
}

public sealed class SandboxRateLimitTests
{
    [Fact]
    public async Task Over_the_limit_the_sandbox_answers_429_with_retry_after_and_rate_limit_headers_until_the_cooldown_ends()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        await using var zapier = ZapierSandbox.StartWithDemoData(new ZapierSandboxOptions { RateLimit = new SandboxRateLimit(), TimeProvider = clock });
        using var http = new HttpClient { BaseAddress = zapier.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new("Bearer", zapier.AccessToken);
        for (var i = 0; i < 60; i++)
        {
            using var ok = await http.GetAsync("/v2/apps");
            Assert.Equal(200, (int)ok.StatusCode);
            Assert.Equal((59 - i).ToString(System.Globalization.CultureInfo.InvariantCulture), ok.Headers.GetValues("X-RateLimit-Remaining").Single());
        }

        using var refused = await http.GetAsync("/v2/apps");
        clock.Advance(TimeSpan.FromSeconds(59));
        using var stillRefused = await http.GetAsync("/v2/apps");
        clock.Advance(TimeSpan.FromSeconds(1));
        using var again = await http.GetAsync("/v2/apps");

        Assert.Equal(429, (int)refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), refused.Headers.RetryAfter?.Delta);
        Assert.Equal("60", refused.Headers.GetValues("X-RateLimit-Limit").Single());
        Assert.Equal("0", refused.Headers.GetValues("X-RateLimit-Remaining").Single());
        Assert.Equal(clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Headers.GetValues("X-RateLimit-Reset").Single());
        Assert.Equal(429, (int)stillRefused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), stillRefused.Headers.RetryAfter?.Delta);
        Assert.Equal(200, (int)again.StatusCode);
    }
}

public sealed class SandboxClientOptionsTests
{
    [Fact]
    public async Task Configure_options_points_at_the_sandbox_speeds_up_default_settings_and_keeps_the_ones_set()
    {
        await using var zapier = ZapierSandbox.Start();
        var mine = new ActionRunWaitOptions { Timeout = TimeSpan.FromMinutes(3) };
        var options = new ZapierClientOptions { ActionRunWaiting = mine, AccessTokenProvider = _ => ValueTask.FromResult("other") };

        var configured = zapier.ConfigureOptions(options);

        Assert.Same(options, configured);
        Assert.Equal((zapier.BaseUrl, zapier.AccessToken), (options.BaseUrl, options.AccessToken));
        Assert.Null(options.AccessTokenProvider);
        Assert.Same(mine, options.ActionRunWaiting);
        Assert.Equal(ZapierSandbox.FastRetry, options.Retry);
        Assert.Equal(6_000, options.RequestsPerMinute);
        Assert.Equal(ZapierSandbox.FastWaiting, zapier.ConfigureOptions(new ZapierClientOptions()).ActionRunWaiting);
    }

    [Fact]
    public async Task Under_the_sandboxs_rate_limit_a_client_keeps_zapiers_60_requests_a_minute()
    {
        await using var zapier = ZapierSandbox.Start(new ZapierSandboxOptions { RateLimit = new SandboxRateLimit() });

        Assert.Equal(60, zapier.ConfigureOptions(new ZapierClientOptions()).RequestsPerMinute);
    }
}
