using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Zapier.Client;
using Zapier.Client.ActionRuns;
using Zapier.Callbacks;

// A minimal API that receives Zapier's action-run callbacks and ends the waits on those runs.
//
// For real: set Zapier:AccessToken, Zapier:ActionRunCallbackUrl (the public https address at which Zapier reaches
// /zapier/action-runs/callback of this app) and Zapier:Callbacks:JwksUrl (Zapier's JWKS address), for example as
// environment variables Zapier__AccessToken, Zapier__ActionRunCallbackUrl, Zapier__Callbacks__JwksUrl. Then
// POST /runs?action=<action id> starts a run and answers once its callback (or a safety poll) says it ended.
//
// Without an access token it runs a demo on loopback: a local stand-in for Zapier answers the Partner API and signs
// the callback with a key of its own, whose JWKS it serves; nothing is sent to Zapier.
var builder = WebApplication.CreateSlimBuilder(args);
await using var demo = builder.Configuration["Zapier:AccessToken"] is null ? await DemoZapier.StartAsync() : null;
if (demo is not null)
{
    builder.Configuration["Zapier:AccessToken"] = "demo-token";
    builder.Configuration["Zapier:BaseUrl"] = demo.BaseUrl.AbsoluteUri;
    builder.Configuration["Zapier:ActionRunCallbackUrl"] = "https://callbacks.example.com/zapier/action-runs/callback";
    builder.Configuration["Zapier:Callbacks:JwksUrl"] = demo.JwksUrl.AbsoluteUri;
    builder.WebHost.UseUrls("http://127.0.0.1:0");
}

builder.Services.AddZapierActionRunCallbacks(builder.Configuration.GetSection("Zapier:Callbacks"));
builder.Services.AddZapierClient(builder.Configuration.GetSection("Zapier"));

var app = builder.Build();
app.MapZapierActionRunCallbacks("/zapier/action-runs/callback");
app.MapPost("/runs", async (string action, ZapierClient zapier, CancellationToken cancellationToken) =>
{
    var run = await zapier.StartActionRunAsync(new ActionRunRequest(action), cancellationToken);
    var state = await run.WaitForCompletionAsync(cancellationToken: cancellationToken);
    return Results.Ok(new { run.Id, status = state.Status?.Value, results = state.Results.Count });
});

if (demo is null)
{
    await app.RunAsync();
    return;
}

await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
var callbackUrl = new Uri(new Uri(address), "/zapier/action-runs/callback");
var zapier = app.Services.GetRequiredService<ZapierClient>();
var run = await zapier.StartActionRunAsync(new ActionRunRequest("core:demo"));
Console.WriteLine($"Started action run {run.Id}; Zapier was told to call back {builder.Configuration["Zapier:ActionRunCallbackUrl"]}.");
var wait = run.WaitForCompletionAsync();
await Task.Delay(TimeSpan.FromMilliseconds(200)); // the run "takes" a moment
var answer = await demo.CallBackAsync(callbackUrl, run.Id);
var state = await wait;
Console.WriteLine($"Zapier's signed callback was answered {(int)answer}; the wait ended with '{state.Status}' and {state.Results.Count} result(s).");
Console.WriteLine($"Requests to the Partner API: {string.Join(", ", demo.Requests)} (no poll).");
await app.StopAsync();
