// The README's example ("Testing code that uses Zapier.Client"), kept here so it compiles and passes.
using Zapier.Client.ActionRuns;
using Zapier.Client.Testing;

namespace Zapier.Client.Testing.Tests.Readme;

// The code under test: confirms an order by email through a Zapier action.
public sealed class OrderNotifier(ZapierClient zapier)
{
    public async Task<string> ConfirmAsync(string email, CancellationToken ct = default)
    {
        var run = await zapier.StartActionRunAsync(new ActionRunRequest("mail:send-email")
        {
            Authentication = "mail_Auth0001",
            Inputs = new Dictionary<string, object?> { ["to"] = email, ["subject"] = "Your order" },
        }, ct);
        var state = await run.WaitForCompletionAsync(cancellationToken: ct);
        return state.Succeeded ? "sent" : "failed: " + state.Errors[0].Title;
    }
}

public sealed class OrderNotifierTests : IDisposable
{
    private readonly ZapierSandbox _zapier = ZapierSandbox.Start();   // a free loopback port, no network

    public OrderNotifierTests() => _zapier.AddAuthentication(_zapier.AddApp("mail"));   // mail_Auth0001

    public void Dispose() => _zapier.Dispose();

    [Fact]
    public async Task The_confirmation_is_sent_once_to_the_customer()
    {
        _zapier.AddAction("mail:send-email", run => run.Waiting(2).Success(new { id = "msg_1" }));
        using var client = _zapier.CreateClient();                     // BaseUrl, token, fast polling

        var outcome = await new OrderNotifier(client).ConfirmAsync("ada@example.com");

        Assert.Equal("sent", outcome);
        var create = Assert.Single(_zapier.Journal.CreatesOf("mail:send-email"));
        Assert.Equal("ada@example.com", create.Input("to"));
        Assert.Equal("mail_Auth0001", create.Authentication);
        Assert.Equal(3, _zapier.Journal.PollsOf(create.RunId!).Count);   // waiting, waiting, success
    }

    [Fact]
    public async Task A_refused_recipient_is_reported()
    {
        _zapier.AddAction("mail:send-email", run => run.Error(SandboxRunError.User("Invalid recipient", "No such mailbox.")));
        using var client = _zapier.CreateClient();

        Assert.Equal("failed: Invalid recipient", await new OrderNotifier(client).ConfirmAsync("nobody@example.com"));
    }

    [Fact]
    public async Task A_create_refused_with_429_is_sent_again_and_a_503_poll_does_not_end_the_wait()
    {
        _zapier.AddAction("mail:send-email", run => run
            .FailCreates(SandboxFault.TooManyRequests(TimeSpan.FromSeconds(1)))
            .Fault(SandboxFault.ServerError(503))
            .Success(new { id = "msg_2" }));
        using var client = _zapier.CreateClient();

        Assert.Equal("sent", await new OrderNotifier(client).ConfirmAsync("ada@example.com"));
        Assert.Equal([429, 200], _zapier.Journal.CreatesOf("mail:send-email").Select(c => c.Status));
    }
}
