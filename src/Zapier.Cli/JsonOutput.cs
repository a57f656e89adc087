using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Kiota.Abstractions.Serialization;

namespace Zapier.Cli;

/// <summary>The one JSON document <c>--json</c> prints.</summary>
internal static class JsonOutput
{
    // Output for terminals and scripts, not HTML: ', <, > and non-ASCII letters stay as they are (not \u0027).
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The <c>--json</c> option every command takes.</summary>
    public static Option<bool> CreateOption() => new("--json") { Description = "Print one JSON document instead of text." };

    /// <summary>Whether <paramref name="tokens"/> ask for JSON (for a command line that did not parse).</summary>
    public static bool IsRequested(IEnumerable<string> tokens) => tokens.Contains("--json", StringComparer.Ordinal);

    /// <summary>A generated model as JSON, with the names Zapier uses.</summary>
    public static async Task<JsonNode?> ModelAsync<T>(T? model, CancellationToken cancellationToken)
        where T : IParsable
    {
        if (model is null)
        {
            return null;
        }

        var text = await KiotaJsonSerializer.SerializeAsStringAsync(model, serializeOnlyChangedValues: false, cancellationToken).ConfigureAwait(false);
        return JsonNode.Parse(text);
    }

    /// <summary>Writes <paramref name="document"/> to <paramref name="output"/>, indented, with a final newline.</summary>
    public static void Write(TextWriter output, JsonNode document) => output.WriteLine(document.ToJsonString(Indented));

    /// <summary><paramref name="node"/> on one line, escaped the same way as <see cref="Write"/>.</summary>
    public static string Line(JsonNode? node) => node?.ToJsonString(Compact) ?? "null";

    /// <summary>The document for a failure: <c>{"outcome": ..., "exit_code": ..., "message": ...}</c>.</summary>
    public static JsonObject Failure(string outcome, int exitCode, string message) => new()
    {
        ["outcome"] = outcome,
        ["exit_code"] = exitCode,
        ["message"] = message,
    };
}
