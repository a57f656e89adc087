using System.Text.Json.Nodes;
using Json.Schema;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Testing.Tests;

/// <summary>
/// The effective OpenAPI document (partner-api.yaml with the corrections, written by the library's build) as JSON
/// Schema 2020-12: its components become <c>$defs</c>, so any response schema of it can validate a body.
/// </summary>
internal static class EffectiveSchema
{
    private static readonly Lazy<JsonObject> Document = new(() =>
        JsonNode.Parse(File.ReadAllText(RepoPaths.EffectiveSchema))!.AsObject());

    /// <summary>The schema of the JSON answer of <paramref name="method"/> <paramref name="path"/> with <paramref name="status"/>; a status the operation does not document gets <c>ErrorResponse</c>, as every documented error has.</summary>
    public static JsonNode ResponseSchema(string method, string path, int status)
    {
        var operation = Document.Value["paths"]![path]![method.ToLowerInvariant()] ?? throw new ArgumentException($"No {method} {path} in the schema.");
        var response = operation["responses"]![status.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        return response?["content"]?["application/json"]?["schema"]?.DeepClone()
            ?? new JsonObject { ["$ref"] = "#/components/schemas/ErrorResponse" };
    }

    /// <summary>A component's schema, by name.</summary>
    public static JsonNode Component(string name) => new JsonObject { ["$ref"] = "#/components/schemas/" + name };

    /// <summary>The schema's complaints about <paramref name="body"/> (instance location: message); empty when it is valid.</summary>
    public static IReadOnlyList<string> Problems(JsonNode schema, JsonNode? body)
    {
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$defs"] = Document.Value["components"]!["schemas"]!.DeepClone(),
        };
        foreach (var (key, value) in schema.AsObject())
        {
            root[key] = value?.DeepClone();
        }

        var text = root.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        var results = JsonSchema.FromText(text).Evaluate(body, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return results.IsValid
            ? []
            : [.. results.Details.Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))];
    }
}
