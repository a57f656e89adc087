// Runs one Zapier Action through Zapier.Client and follows the run until it finishes.
//
// Against the real API:  ZAPIER_ACCESS_TOKEN and ZAPIER_ACTION_ID (optional: ZAPIER_AUTHENTICATION_ID, ZAPIER_BASE_URL).
// Without them:          the in-process sandbox (Zapier.Client.Testing) plays the API, so the demo runs anywhere.
//
// Exit codes: 0 the run succeeded; 1 the API reported an error or the run did not succeed; 2 bad configuration;
// 130 cancelled with Ctrl+C.

using Microsoft.Kiota.Abstractions.Serialization;
using Zapier.Client;
using Zapier.Client.Errors;
using Zapier.Client.ActionRuns;
using Zapier.Client.Testing;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // let the demo stop cleanly instead of killing the process
    cancellation.Cancel();
};
var ct = cancellation.Token;

var accessToken = Environment.GetEnvironmentVariable("ZAPIER_ACCESS_TOKEN");
var actionId = Environment.GetEnvironmentVariable("ZAPIER_ACTION_ID");
var authenticationId = Environment.GetEnvironmentVariable("ZAPIER_AUTHENTICATION_ID");
var baseUrlText = Environment.GetEnvironmentVariable("ZAPIER_BASE_URL");

await using var sandbox = string.IsNullOrWhiteSpace(accessToken) || string.IsNullOrWhiteSpace(actionId) ? ZapierSandbox.StartWithDemoData() : null;
var options = new ZapierClientOptions();
if (sandbox is not null)
{
    Console.WriteLine("No Zapier credentials configured (ZAPIER_ACCESS_TOKEN and ZAPIER_ACTION_ID are not both set).");
    Console.WriteLine($"Using the SANDBOX (a local fake of the Partner API) at {sandbox.BaseUrl} - nothing is sent to Zapier.");
    accessToken = sandbox.AccessToken;
    actionId = SandboxDemo.SendEmail;
    authenticationId = SandboxDemo.AuthenticationId;
    options.BaseUrl = sandbox.BaseUrl;
}
else if (!string.IsNullOrWhiteSpace(baseUrlText))
{
    if (!Uri.TryCreate(baseUrlText, UriKind.Absolute, out var baseUrl))
    {
        Console.Error.WriteLine($"ZAPIER_BASE_URL '{baseUrlText}' is not an absolute URL.");
        return 2;
    }

    options.BaseUrl = baseUrl;
}

ZapierClient client;
try
{
    client = new ZapierClient(accessToken!, options);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"Invalid configuration: {e.Message}");
    return 2;
}

using (client)
{
    try
    {
        Console.WriteLine($"Running action {actionId} against {client.BaseUrl}");

        var request = new ActionRunRequest(actionId!)
        {
            Authentication = authenticationId,
            Inputs = new Dictionary<string, object?> { ["email"] = "user@example.com" }, // the Action's input fields
        };
        var run = await client.StartActionRunAsync(request, ct);
        Console.WriteLine($"Created action run {run.Id}; waiting for it to finish");

        // Progress arrives before each wait between polls: status so far, polls made, and the next delay.
        var progress = new Progress<ActionRunProgress>(p =>
            Console.WriteLine($"  poll {p.Polls}: {p.Status ?? "(not polled yet)"}; next poll in {p.NextDelay.TotalSeconds:0.0} s"));
        var state = await run.WaitForCompletionAsync(progress: progress, cancellationToken: ct);

        Console.WriteLine($"Outcome: {state.Status}");
        Console.WriteLine($"Results ({state.Results.Count}):");
        foreach (var result in state.Results)
        {
            Console.WriteLine("  " + await KiotaJsonSerializer.SerializeAsStringAsync(result, serializeOnlyChangedValues: false, ct));
        }

        foreach (var error in state.Errors)
        {
            Console.Error.WriteLine($"  error: {error.Title} [{error.Code}] {error.Detail}".TrimEnd());
        }

        return state.Succeeded ? 0 : 1;
    }
    catch (ActionRunTimeoutException e)
    {
        Console.Error.WriteLine(e.Message);
        return 1;
    }
    catch (ZapierException e)
    {
        Console.Error.WriteLine($"Zapier API error: {e.Message}");
        return 1;
    }
    catch (HttpRequestException e)
    {
        Console.Error.WriteLine($"Could not reach {client.BaseUrl}: {e.Message}");
        return 1;
    }
    catch (OperationCanceledException) when (ct.IsCancellationRequested)
    {
        Console.Error.WriteLine("Cancelled.");
        return 130;
    }
}
