using Zapier.Client.ActionRuns;
using Zapier.Client.Generated.Models;

namespace Zapier.Client.Testing.Tests;

/// <summary>The demo data gives a tool one action per outcome of a run, a read action and an authentication.</summary>
public sealed class SandboxDemoTests : IAsyncLifetime
{
    private readonly ZapierSandbox _zapier = ZapierSandbox.StartWithDemoData();
    private ZapierClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _zapier.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _zapier.DisposeAsync();
    }

    [Fact]
    public async Task The_demo_app_lists_its_four_actions_and_its_authentication()
    {
        var apps = await _client.V2.Apps.GetAsync();
        var actions = new List<ActionObject>();
        await foreach (var action in _client.V2.Actions.ListAsync(q => q.App = SandboxDemo.AppId))
        {
            actions.Add(action);
        }

        var authentications = await _client.V2.Authentications.GetAsync(c => c.QueryParameters.App = SandboxDemo.AppId);

        Assert.Equal(("Demo", SandboxDemo.AppId.ToString()), (apps!.Data!.Single().Title, apps.Data!.Single().Id));
        Assert.Equal(
            [(SandboxDemo.SendEmail, "WRITE"), (SandboxDemo.AlwaysFails, "WRITE"), (SandboxDemo.NeverFinishes, "WRITE"), (SandboxDemo.FindContact, "READ")],
            actions.Select(a => (a.Id!, a.ActionType!)));
        Assert.Equal(SandboxDemo.AuthenticationId, authentications!.Data!.Single().Id);
    }

    [Fact]
    public async Task Always_fails_ends_in_error_with_its_errors()
    {
        var state = await (await _client.StartActionRunAsync(new ActionRunRequest(SandboxDemo.AlwaysFails))).WaitForCompletionAsync();

        Assert.Equal(ActionRunStatus.Error, state.Status);
        var error = Assert.Single(state.Errors);
        Assert.Equal((CodeEnum.User, "Invalid recipient"), (error.Code!.Value, error.Title));
    }

    [Fact]
    public async Task Never_finishes_answers_waiting_to_every_poll()
    {
        var run = await _client.StartActionRunAsync(new ActionRunRequest(SandboxDemo.NeverFinishes));

        for (var poll = 0; poll < 5; poll++)
        {
            Assert.Equal(ActionRunStatus.Waiting, (await run.UpdateStatusAsync()).Status);
        }

        Assert.Equal(5, _zapier.Run(run.Id).Polls);
    }

    [Fact]
    public async Task Find_contact_reads_one_contact_at_the_first_poll()
    {
        var state = await (await _client.StartActionRunAsync(new ActionRunRequest(SandboxDemo.FindContact))).WaitForCompletionAsync();

        Assert.True(state.Succeeded);
        Assert.Equal("Ada Lovelace", state.Results.Single().AdditionalData["name"]);
        Assert.Single(_zapier.Journal.Polls);
    }
}
