namespace Zapier.Client.ActionRuns;

/// <summary>What to run: an action, the authentication it uses, its inputs, and optionally where Zapier reports the end.</summary>
public sealed class ActionRunRequest
{
    /// <summary>Creates a request for an action id (fetch a fresh one from <c>GET /v2/actions</c> before each run).</summary>
    public ActionRunRequest(string action)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        Action = action;
    }

    /// <summary>The action's id.</summary>
    public string Action { get; }

    /// <summary>The authentication (connection) the action uses, or null when it needs none.</summary>
    public string? Authentication { get; init; }

    /// <summary>Input values by field key (strings, numbers, booleans, lists or nested dictionaries).</summary>
    public IDictionary<string, object?> Inputs { get; init; } = new Dictionary<string, object?>();

    /// <summary>
    /// Optional HTTPS URL on a public host that Zapier calls when the run ends (at most 2048 characters). Polling works
    /// without it.
    /// </summary>
    public Uri? CallbackUrl { get; init; }

    /// <summary>
    /// Checks <see cref="Inputs"/> against the action's input fields before the run is created, and throws
    /// <see cref="InvalidActionInputsException"/> listing every problem instead of creating a run that would fail:
    /// required fields, value types, and the choices of <c>SELECT</c> fields whose choices depend on no other input.
    /// Off by default. Costs one request for the fields per action and authentication (and per value of a field that
    /// changes the others) and one request per page of choices of each such <c>SELECT</c> field given a value, each kept for
    /// <see cref="ZapierClientOptions.InputFieldsCacheDuration"/>, so repeated runs cost nothing more.
    /// </summary>
    public bool ValidateInputs { get; init; }

    /// <summary>Filled with what the server's answer to the create said (request id, rate-limit headers); see <see cref="ZapierResponseInfo"/>.</summary>
    public ZapierResponseInfo? ResponseInfo { get; init; }

    internal void Validate()
    {
        if (CallbackUrl is not null && CallbackUrlProblem(CallbackUrl) is { } problem)
        {
            throw new ArgumentException($"CallbackUrl {problem}", nameof(CallbackUrl));
        }
    }

    /// <summary>Why Zapier would refuse <paramref name="url"/> as a callback URL, or null when it is acceptable.</summary>
    internal static string? CallbackUrlProblem(Uri url)
    {
        if (!url.IsAbsoluteUri || url.Scheme != Uri.UriSchemeHttps)
        {
            return $"'{url}' must be an absolute https URL.";
        }

        if (url.AbsoluteUri.Length > 2048)
        {
            return $"is {url.AbsoluteUri.Length} characters long; Zapier accepts at most 2048.";
        }

        if (url.IsLoopback || (System.Net.IPAddress.TryParse(url.IdnHost, out var ip) && IsPrivate(ip)))
        {
            return $"'{url}' must be on a public host; Zapier refuses loopback and private addresses.";
        }

        return null;
    }

    private static bool IsPrivate(System.Net.IPAddress ip)
    {
        if (System.Net.IPAddress.IsLoopback(ip) || ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6UniqueLocal)
        {
            return true;
        }

        var b = ip.MapToIPv4().GetAddressBytes();
        return ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            && (b[0] == 10 || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168) || b[0] == 127);
    }
}
