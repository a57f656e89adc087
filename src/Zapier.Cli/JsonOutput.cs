using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Kiota.Abstractions.Serialization;

namespace Zapier.Cli;

/// <summary>The one JSON document <c>--json</c> prints.</summary>
internal static class JsonOutput
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

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

    /// <summary>The document for a failure: <c>{"outcome": ..., "exit_code": ..., "message": ...}</c>.</summary>
    public static JsonObject Failure(string outcome, int exitCode, string message) => new()
    {
        ["outcome"] = outcome,
        ["exit_code"] = exitCode,
        ["message"] = message,
    };
}
