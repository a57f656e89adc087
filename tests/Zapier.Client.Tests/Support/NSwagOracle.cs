using System.Text.Json.Nodes;
using Newtonsoft.Json;

namespace Zapier.Client.Tests.Support;

/// <summary>
/// The second opinion: parses a body with the DTOs NSwag generated from the same schema (an independent generator
/// that keeps underscore names) and writes it back, for field-by-field comparison with Kiota's reading.
/// </summary>
internal static class NSwagOracle
{
    private const string Namespace = "Zapier.Client.Tests.Oracle";

    /// <summary>The NSwag type for a response or body schema (a component reference or an array of one).</summary>
    public static Type TypeFor(JsonNode schema)
    {
        if (ApiSchema.RefName(schema) is { } name)
        {
            return ComponentType(name);
        }

        if ((string?)schema["type"] == "array" && ApiSchema.RefName(schema["items"]) is { } itemName)
        {
            return typeof(List<>).MakeGenericType(ComponentType(itemName));
        }

        throw new NotSupportedException("No NSwag type for inline schema " + schema.ToJsonString());
    }

    public static JsonNode? RoundTrip(JsonNode schema, string json)
    {
        var value = JsonConvert.DeserializeObject(json, TypeFor(schema), new JsonSerializerSettings { DateParseHandling = DateParseHandling.None });
        return JsonNode.Parse(JsonConvert.SerializeObject(value));
    }

    private static Type ComponentType(string componentName) =>
        typeof(NSwagOracle).Assembly.GetType(Namespace + "." + componentName)
        ?? typeof(NSwagOracle).Assembly.GetType(Namespace + "." + char.ToUpperInvariant(componentName[0]) + componentName[1..])
        ?? throw new InvalidOperationException($"NSwag generated no type for schema '{componentName}'.");
}
