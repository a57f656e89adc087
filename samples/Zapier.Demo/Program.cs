// Runs one Zapier Action through Zapier.Client and follows the run until it finishes.
//
// Against the real API:  ZAPIER_ACCESS_TOKEN and ZAPIER_ACTION_ID (optional: ZAPIER_AUTHENTICATION_ID, ZAPIER_BASE_URL).
// Without them:          an in-process stub (LocalStub) plays the API, so the demo runs anywhere.
//
// Exit codes: 0 the run succeeded; 1 the API reported an error or the run did not succeed; 2 bad configuration;
// 130 cancelled with Ctrl+C.

using Microsoft.Kiota.Abstractions.Serialization;
using Zapier.Client;
using Zapier.Client.Errors;
using Zapier.Client.Generated.Models;
using Zapier.Demo;

// Placeholder polling: a fixed delay between retrievals. A waiting helper with backoff is being added to
// Zapier.Client; this loop is to be replaced by it.
var placeholderPollDelay = TimeSpan.FromMilliseconds(500);
const int PlaceholderMaxPolls = 120;

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

using var stub = string.IsNullOrWhiteSpace(accessToken) || string.IsNullOrWhiteSpace(actionId) ? LocalStub.Start() : null;
var options = new ZapierClientOptions();
if (stub is not null)
{
    Console.WriteLine("No Zapier credentials configured (ZAPIER_ACCESS_TOKEN and ZAPIER_ACTION_ID are not both set).");
    Console.WriteLine($"Using a LOCAL STUB of the Partner API at {stub.BaseUrl} - nothing is sent to Zapier.");
    accessToken = LocalStub.AccessToken;
    actionId = LocalStub.ActionId;
    authenticationId = LocalStub.AuthenticationId;
    options.BaseUrl = stub.BaseUrl;
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
        Console.WriteLine($"Running action {actionId} against {client.Options.BaseUrl}");

        var inputs = new RunActionRequestData_inputs();
        inputs.AdditionalData["email"] = "user@example.com"; // the Action's input fields; adjust for your Action
        var data = new RunActionRequestData { Action = actionId, Authentication = authenticationId, Inputs = inputs };
        if (authenticationId is null)
        {
            // "authentication" is required but nullable; Kiota leaves out null strings, so send the null explicitly.
            data.AdditionalData["authentication"] = null!;
        }

        var created = await client.V2.ActionRuns.PostAsync(new RunActionRequest { Data = data }, cancellationToken: ct);
        var runId = created?.Data?.Id;
        if (string.IsNullOrEmpty(runId))
        {
            Console.Error.WriteLine("The API accepted the action run but returned no run id.");
            return 1;
        }

        Console.WriteLine($"Created action run {runId}");

        ActionRunResponseData? run = null;
        for (var poll = 1; poll <= PlaceholderMaxPolls; poll++)
        {
            var response = await client.V2.ActionRuns[runId].GetAsync(cancellationToken: ct);
            run = response?.Data;
            Console.WriteLine($"Poll {poll}: status {Describe(run?.Status)}");
            if (run?.Status != ActionRunResponseStatusEnum.Waiting)
            {
                break;
            }

            await Task.Delay(placeholderPollDelay, ct);
        }

        var status = run?.Status;
        Console.WriteLine($"Outcome: {Describe(status)}");
        if (status == ActionRunResponseStatusEnum.Waiting)
        {
            Console.Error.WriteLine($"The run was still waiting after {PlaceholderMaxPolls} polls; giving up.");
            return 1;
        }

        var results = run?.Results ?? [];
        Console.WriteLine($"Results ({results.Count}):");
        foreach (var result in results)
        {
            Console.WriteLine("  " + await KiotaJsonSerializer.SerializeAsStringAsync(result, serializeOnlyChangedValues: false, ct));
        }

        foreach (var error in run?.Errors ?? [])
        {
            Console.Error.WriteLine($"  error: {error.Title} {error.Detail}".TrimEnd());
        }

        return status == ActionRunResponseStatusEnum.Success ? 0 : 1;
    }
    catch (ZapierException e)
    {
        Console.Error.WriteLine($"Zapier API error: {e.Message}");
        return 1;
    }
    catch (HttpRequestException e)
    {
        Console.Error.WriteLine($"Could not reach {client.Options.BaseUrl}: {e.Message}");
        return 1;
    }
    catch (OperationCanceledException) when (ct.IsCancellationRequested)
    {
        Console.Error.WriteLine("Cancelled.");
        return 130;
    }
}

static string Describe(ActionRunResponseStatusEnum? status) => status switch
{
    ActionRunResponseStatusEnum.Waiting => "waiting",
    ActionRunResponseStatusEnum.Success => "success",
    ActionRunResponseStatusEnum.Error => "error",
    _ => "unknown",
};
