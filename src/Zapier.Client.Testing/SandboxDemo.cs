using Zapier.Client.Generated.Models;

namespace Zapier.Client.Testing;

/// <summary>
/// The demo data of <see cref="ZapierSandbox.StartWithDemoData"/>: one app, an action for each outcome of a run, a
/// read action and an authentication, so a tool or a test can show every outcome without declaring anything.
/// </summary>
public static class SandboxDemo
{
    /// <summary>The demo app's key, <c>demo</c> (the sandbox takes it in place of the id in <c>app=</c>).</summary>
    public const string AppKey = "demo";

    /// <summary>A write action whose runs answer <c>waiting</c> to two polls, then <c>success</c> with one result
    /// (<c>{"id":"msg_0001","to":"user@example.com","status":"sent"}</c>).</summary>
    public const string SendEmail = "demo:send-email";

    /// <summary>A write action whose runs answer <c>waiting</c> once, then end in <c>error</c> with one <c>user</c> error (title <c>Invalid recipient</c>).</summary>
    public const string AlwaysFails = "demo:always-fails";

    /// <summary>A write action whose runs answer <c>waiting</c> for ever: for timeouts and cancellation.</summary>
    public const string NeverFinishes = "demo:never-finishes";

    /// <summary>A read action whose runs end in <c>success</c> at the first poll with one contact.</summary>
    public const string FindContact = "demo:find-contact";

    /// <summary>The demo app's authentication.</summary>
    public const string AuthenticationId = "demo_Auth0001";

    /// <summary>The demo app's canonical id.</summary>
    public static Guid AppId { get; } = new("5a3f9e2c-1d4b-4c6a-9e8f-0b1c2d3e4f5a");

    internal static void AddTo(ZapierSandbox sandbox)
    {
        var app = sandbox.AddApp(AppKey, "Demo", AppId);
        sandbox.AddAction(SendEmail, run => run.Waiting(2).Success(new { id = "msg_0001", to = "user@example.com", status = "sent" }), ActionType.Write, app, "Send Email");
        sandbox.AddAction(AlwaysFails, run => run.Waiting().Error(SandboxRunError.User("Invalid recipient", "The address 'nobody@invalid' cannot receive email.")), ActionType.Write, app, "Always Fails");
        sandbox.AddAction(NeverFinishes, run => run.Waiting(), ActionType.Write, app, "Never Finishes");
        sandbox.AddAction(FindContact, run => run.Success(new { id = 1, email = "user@example.com", name = "Ada Lovelace" }), ActionType.Read, app, "Find Contact");
        sandbox.AddAuthentication(app, AuthenticationId, "Demo user@example.com");
    }
}
