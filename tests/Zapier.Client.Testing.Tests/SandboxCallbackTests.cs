using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Zapier.Client.ActionRuns;
using Zapier.Client.AspNetCore;

namespace Zapier.Client.Testing.Tests;

/// <summary>The sandbox honours <c>callback_url</c>: a signed callback that the real receiver, configured with the sandbox's JWKS, accepts.</summary>
public sealed class SandboxCallbackTests
{
    private static readonly Uri PublicCallbackUrl = new("https://hooks.example.com/zapier/callback");

    [Fact]
    public async Task A_run_created_with_a_callback_url_ends_on_the_sandboxs_signed_callback_without_a_poll()
    {
        Uri? receiver = null;
        await using var zapier = ZapierSandbox.StartWithDemoData(new ZapierSandboxOptions { CallbackAddress = url => new Uri(receiver!, url.PathAndQuery) });
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddZapierActionRunCallbacks(o => o.JwksUrl = zapier.JwksUrl);
        builder.Services.AddZapierClient(o =>
        {
            zapier.ConfigureOptions(o);
            o.ActionRunCallbackUrl = PublicCallbackUrl;
        });
        await using var app = builder.Build();
        app.MapZapierActionRunCallbacks(PublicCallbackUrl.AbsolutePath);
        app.Urls.Add("http://127.0.0.1:0");
        await app.StartAsync();
        receiver = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var client = app.Services.GetRequiredService<ZapierClient>();

        var run = await client.StartActionRunAsync(new ActionRunRequest(SandboxDemo.SendEmail) { Authentication = SandboxDemo.AuthenticationId });
        var state = await run.WaitForCompletionAsync();
        await zapier.WhenCallbacksDeliveredAsync();

        Assert.True(state.Succeeded);
        Assert.Equal("sent", state.Results.Single().AdditionalData["status"]?.ToString());
        Assert.Empty(zapier.Journal.PollsOf(run.Id));
        var callback = Assert.Single(zapier.Journal.Callbacks);
        Assert.Equal((run.Id, 204, "success", 1), (callback.RunId, callback.Status, callback.RunStatus, callback.Attempt));
        Assert.Equal(new Uri(receiver, PublicCallbackUrl.AbsolutePath), callback.Url);
        Assert.Equal(PublicCallbackUrl.AbsoluteUri, Assert.Single(zapier.Journal.Creates).CallbackUrl);
    }

    [Fact]
    public async Task A_callback_refused_with_a_5xx_is_tried_three_times_in_all_and_a_4xx_only_once()
    {
        Uri? hook = null;
        await using var zapier = ZapierSandbox.StartWithDemoData(new ZapierSandboxOptions { SendCallbacks = false, CallbackAddress = url => new Uri(hook!, url.PathAndQuery) });
        var statuses = new Queue<int>([503, 500, 502, 401]);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapPost("/hook", () => Microsoft.AspNetCore.Http.Results.StatusCode(statuses.Dequeue()));
        app.Urls.Add("http://127.0.0.1:0");
        await app.StartAsync();
        hook = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var client = zapier.CreateClient();
        var run = await client.StartActionRunAsync(new ActionRunRequest(SandboxDemo.SendEmail) { CallbackUrl = new Uri("https://hooks.example.com/hook") });
        Assert.Empty(zapier.Journal.Callbacks);

        var first = await zapier.SendCallbackAsync(run.Id);
        var second = await zapier.SendCallbackAsync(run.Id);

        Assert.Equal((502, 401), (first, second));
        Assert.Equal([(503, 1), (500, 2), (502, 3), (401, 1)], zapier.Journal.Callbacks.Select(c => (c.Status, c.Attempt)));
    }

    [Fact]
    public async Task Without_a_callback_address_the_sandbox_sends_no_callback_to_the_public_host_by_itself()
    {
        await using var zapier = ZapierSandbox.StartWithDemoData();
        using var client = zapier.CreateClient();

        var run = await client.StartActionRunAsync(new ActionRunRequest(SandboxDemo.SendEmail) { CallbackUrl = PublicCallbackUrl });
        await zapier.WhenCallbacksDeliveredAsync();

        Assert.Equal(PublicCallbackUrl, zapier.Run(run.Id).CallbackUrl);
        Assert.Empty(zapier.Journal.Callbacks);
    }
}
