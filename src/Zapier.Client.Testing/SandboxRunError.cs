using System.Text.Json.Nodes;

namespace Zapier.Client.Testing;

/// <summary>
/// One item of a run's <c>errors[]</c> as the sandbox reports it when a script ends in
/// <see cref="ActionRunScript.Error(SandboxRunError[])"/>.
/// </summary>
/// <param name="Code">One of Zapier's codes: <c>user</c>, <c>authentication</c>, <c>partner</c>, <c>system</c>,
/// <c>throttled</c>, <c>system_throttled</c>, <c>hydration</c>.</param>
/// <param name="Title">A short summary.</param>
/// <param name="Detail">A human-readable explanation.</param>
/// <param name="Delay">For <c>throttled</c>: seconds to wait before retrying.</param>
public sealed record SandboxRunError(string Code, string Title, string Detail, int? Delay = null)
{
    /// <summary>The codes the schema allows (<c>CodeEnum</c>).</summary>
    public static IReadOnlyList<string> Codes { get; } = ["user", "authentication", "partner", "system", "throttled", "system_throttled", "hydration"];

    /// <summary>Free-form metadata sent as the item's <c>meta</c> object, if any.</summary>
    public JsonObject? Meta { get; init; }

    /// <summary>An error the user can fix (<c>user</c>), for example a missing input.</summary>
    public static SandboxRunError User(string title = "Invalid input", string detail = "The app refused the inputs.") => new("user", title, detail);

    /// <summary>The app refused the connection's credentials (<c>authentication</c>).</summary>
    public static SandboxRunError Authentication(string detail = "The connection's credentials were refused.") =>
        new("authentication", "Authentication failed", detail);

    /// <summary>The app throttled the run (<c>throttled</c>) and asks for <paramref name="delaySeconds"/> before a retry.</summary>
    public static SandboxRunError Throttled(int delaySeconds) =>
        new("throttled", "Throttled", $"The app asked to wait {delaySeconds} s before trying again.", delaySeconds);

    internal JsonObject ToJson()
    {
        var item = new JsonObject { ["code"] = Code, ["title"] = Title, ["detail"] = Detail };
        if (Delay is { } delay)
        {
            item["delay"] = delay;
        }

        if (Meta is not null)
        {
            item["meta"] = Meta.DeepClone();
        }

        return item;
    }
}
