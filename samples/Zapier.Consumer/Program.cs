// A program that uses the Zapier.Client packages as a NuGet user does, restored from the local feed that
// `dotnet pwsh ./build.ps1 -Target CheckPackages` packs: it runs an action and waits for it, reads a typed error,
// verifies a signed callback and refuses an unsigned one with the callback receiver, and checks a Redis budget's
// options. Everything runs on loopback against ZapierSandbox (the Zapier.Client.Testing package). Prints one line
// per check; exit code 0 when all pass.

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Kiota.Abstractions.Serialization;
using Zapier.Client;
using Zapier.Client.ActionRuns;
using Zapier.Client.Errors;
using Zapier.Client.Redis;
using Zapier.Client.Testing;
using Zapier.Consumer;

var failures = 0;
void Check(bool passed, string what)
{
    Console.WriteLine($"{(passed ? "ok  " : "FAIL")} {what}");
    if (!passed)
    {
        failures++;
    }
}

using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
var ct = timeout.Token;

await using var sandbox = ZapierSandbox.StartWithDemoData();
using var zapier = sandbox.CreateClient();

// 1. Run an action and wait for it.
var run = await zapier.StartActionRunAsync(new ActionRunRequest("demo:send-email")
{
    Inputs = new Dictionary<string, object?> { ["email"] = "user@example.com" },
}, ct);
var state = await run.WaitForCompletionAsync(cancellationToken: ct);
var results = new List<string>();
foreach (var result in state.Results)
{
    results.Add(await KiotaJsonSerializer.SerializeAsStringAsync(result, serializeOnlyChangedValues: false, ct));
}
var polls = sandbox.Journal.PollsOf(run.Id).Count;
Check(state.Succeeded && results.Count == 1 && polls == 3
        && sandbox.Journal.CreatesOf("demo:send-email").Single().Input("email") == "user@example.com",
    $"run {run.Id} waited for: {state.Status?.Value} after {polls} polls, results {string.Join(", ", results)}");

// 2. An error status arrives as a typed exception with Zapier's errors[].
try
{
    await zapier.V2.ActionRuns["missing"].GetAsync(cancellationToken: ct);
    Check(false, "GET of an unknown run threw nothing");
}
catch (ZapierApiException e)
{
    Check(e.StatusCode == 404 && e.Errors.Count == 1 && e.Errors[0].Code == "not_found", $"unknown run: {e.Message}");
}

// 3. The callback receiver (Zapier.Client.AspNetCore) verifies a callback signed with the sandbox's key (its JWKS
//    fetched from the sandbox) and refuses one without a signature.
var receiverBuilder = LoopbackHost.CreateBuilder();
receiverBuilder.Services.AddZapierActionRunCallbacks(o => o.JwksUrl = sandbox.JwksUrl);
await using var receiver = receiverBuilder.Build();
receiver.MapZapierActionRunCallbacks("/zapier/callback");
await receiver.StartAsync(ct);
var callbackUrl = new Uri(LoopbackHost.AddressOf(receiver), "/zapier/callback");
using (var http = new HttpClient())
{
    var body = $$$"""{"data":{"type":"run","id":"{{{run.Id}}}","status":"success","results":[],"errors":[]}}""";
    using var unsigned = await http.PostAsync(callbackUrl, new StringContent(body, System.Text.Encoding.UTF8, "application/json"), ct);
    Check(unsigned.StatusCode == HttpStatusCode.Unauthorized, $"unsigned callback answered {(int)unsigned.StatusCode}");

    using var request = new HttpRequestMessage(HttpMethod.Post, callbackUrl) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
    request.Headers.TryAddWithoutValidation("Zapier-Callback-Signature", sandbox.SignCallback());
    using var signed = await http.SendAsync(request, ct);
    Check(signed.StatusCode == HttpStatusCode.NoContent, $"signed callback answered {(int)signed.StatusCode}");
}

// 4. The Redis budget (Zapier.Client.Redis) names the setting it is missing, before connecting anywhere.
try
{
    using var budget = ZapierRedisBudget.Create(new ZapierRedisBudgetOptions { Partner = "consumer" });
    Check(false, "a Redis budget without Configuration was created");
}
catch (ArgumentException e)
{
    Check(e.ParamName == nameof(ZapierRedisBudgetOptions.Configuration), $"Redis budget without configuration: {e.Message}");
}

Console.WriteLine(failures == 0 ? "Consumer: all checks passed." : $"Consumer: {failures} check(s) failed.");
return failures == 0 ? 0 : 1;

