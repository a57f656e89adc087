using Zapier.Client.Generated.Models;

namespace Zapier.Client.ActionRuns;

/// <summary>Turns an <see cref="ActionRunRequest"/> into the generated request body.</summary>
internal static class ActionRunBody
{
    /// <param name="request">What to run.</param>
    /// <param name="callbackUrl">The callback URL to send: the request's own, else the client's default, else none.</param>
    public static RunActionRequest From(ActionRunRequest request, Uri? callbackUrl)
    {
        var inputs = new ActionRunInputs();
        foreach (var (key, value) in request.Inputs)
        {
            inputs.AdditionalData[key] = value!;
        }

        var data = new RunActionRequestData
        {
            Action = request.Action,
            Authentication = request.Authentication,
            Inputs = inputs,
            CallbackUrl = callbackUrl?.AbsoluteUri,
        };
        if (request.Authentication is null)
        {
            // Required but nullable: Kiota leaves null properties out, so the explicit null goes in as additional data.
            data.AdditionalData["authentication"] = null!;
        }

        return new RunActionRequest { Data = data };
    }
}
