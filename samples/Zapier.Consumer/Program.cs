// A program that uses the Zapier.Client packages as a NuGet user does, restored from the local feed that
// `dotnet pwsh ./build.ps1 -Target CheckPackages` packs: it runs an action and waits for it, reads a typed error,
// answers an unsigned callback with the callback receiver, and checks a Redis budget's options. Everything runs on
// loopback against LocalApi (a stand-in for the Partner API). Prints one line per check; exit code 0 when all pass.

using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Kiota.Abstractions.Serialization;
using Zapier.Client;
using Zapier.Client.ActionRuns;
using Zapier.Client.Errors;
using Zapier.Client.Redis;
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

await using var api = await LocalApi.StartAsync();
var options = new ZapierClientOptions
{
    BaseUrl = api.BaseUrl,
    // Short delays so the check takes a moment, not the production schedule.
    ActionRunWaiting = ActionRunWaitOptions.Default with { InitialDelay = TimeSpan.FromMilliseconds(100), MinimumInterval = TimeSpan.FromMilliseconds(100) },
};
using var zapier = new ZapierClient(api.AccessToken, options);

// 1. Run an action and wait for it.
var run = await zapier.StartActionRunAsync(new ActionRunRequest(LocalApi.ActionId)
{
    Inputs = new Dictionary<string, object?> { ["email"] = "user@example.com" },
}, ct);
var state = await run.WaitForCompletionAsync(cancellationToken: ct);
var results = new List<string>();
foreach (var result in state.Results)
{
    results.Add(await KiotaJsonSerializer.SerializeAsStringAsync(result, serializeOnlyChangedValues: false, ct));
}
Check(state.Succeeded && results.SequenceEqual(["{\"id\":42}"]),
    $"run {run.Id} waited for: {state.Status?.Value}, results {string.Join(", ", results)}");

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

// 3. The callback receiver (Zapier.Client.AspNetCore) refuses a callback without a signature.
using var key = RSA.Create(2048);
var publicKey = key.ExportParameters(includePrivateParameters: false);
var jwks = $$"""{"keys":[{"kty":"RSA","use":"sig","kid":"consumer","n":"{{Base64Url(publicKey.Modulus!)}}","e":"{{Base64Url(publicKey.Exponent!)}}"}]}""";
var receiverBuilder = LoopbackHost.CreateBuilder();
receiverBuilder.Services.AddZapierActionRunCallbacks(o => o.Jwks = jwks);
await using var receiver = receiverBuilder.Build();
receiver.MapZapierActionRunCallbacks("/zapier/callback");
await receiver.StartAsync(ct);
var receiverUrl = LoopbackHost.AddressOf(receiver);
using (var http = new HttpClient())
using (var response = await http.PostAsync(new Uri(receiverUrl, "/zapier/callback"),
    new StringContent($$$"""{"data":{"type":"run","id":"{{{run.Id}}}","status":"success"}}""", System.Text.Encoding.UTF8, "application/json"), ct))
{
    Check(response.StatusCode == HttpStatusCode.Unauthorized, $"unsigned callback answered {(int)response.StatusCode}");
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

static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
