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
