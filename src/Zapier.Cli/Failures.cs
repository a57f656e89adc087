using Zapier.Client.Errors;

namespace Zapier.Cli;

/// <summary>How a failure of a call maps to an exit code and a word for <c>--json</c>.</summary>
internal static class Failures
{
    /// <summary>The exit code and outcome for <paramref name="e"/>, or null for an exception this tool does not expect.</summary>
    public static (int ExitCode, string Outcome)? Classify(Exception e) => e switch
    {
        // The tool's own validation, and the client's "no credentials for this operation". Any other exception from
        // the library's argument checks is a bug of this tool (exit 70): the command line validates what it passes on.
        UsageException or ZapierCredentialsException => (ExitCodes.Usage, "usage"),
        ZapierApiException { StatusCode: >= 400 and < 500 } => (ExitCodes.Refused, "refused"),
        // Zapier asked the client to hold longer than it waits by itself: a refusal (429), not an outage.
        ZapierBudgetException => (ExitCodes.Refused, "refused"),
        ZapierApiException or ZapierNetworkException or ZapierTimeoutException or ZapierProtocolException
            => (ExitCodes.Unavailable, "unavailable"),
        _ => null,
    };
}
