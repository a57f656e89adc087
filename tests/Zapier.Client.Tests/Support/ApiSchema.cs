using System.Text.Json.Nodes;

namespace Zapier.Client.Tests.Support;

/// <summary>One operation of the effective schema, as the contract suite sees it.</summary>
internal sealed record ApiOperation(string Id, string Method, string Path, JsonObject Node)
{
    public IEnumerable<JsonObject> Parameters(string location) =>
        (Node["parameters"] as JsonArray ?? []).Select(p => ApiSchema.Effective.Resolve(p)!)
            .Where(p => (string?)p["in"] == location);

    public JsonNode? RequestBodySchema => ApiSchema.Effective.Resolve(Node["requestBody"])?["content"]?["application/json"]?["schema"];

    public IEnumerable<string> Statuses => ((JsonObject)Node["responses"]!).Select(r => r.Key);

    public JsonObject Response(string status) => ApiSchema.Effective.Resolve(Node["responses"]![status])!;

    public JsonNode? ResponseSchema(string status) => Response(status)["content"]?["application/json"]?["schema"];

    /// <summary>Security alternatives (operation level, else document level); each is the list of scheme names.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Security =>
        ((Node["security"] ?? ApiSchema.Effective.Root["security"]) as JsonArray ?? [])
            .Select(r => (IReadOnlyList<string>)((JsonObject)r!).Select(p => p.Key).ToList()).ToList();

    public override string ToString() => $"{Method} {Path} ({Id})";
}

/// <summary>The effective OpenAPI document (after corrections), read with System.Text.Json.</summary>
internal sealed class ApiSchema
{
    private static readonly Lazy<ApiSchema> Instance = new(() => new ApiSchema(JsonNode.Parse(File.ReadAllText(RepoPaths.EffectiveSchema))!.AsObject()));

    private ApiSchema(JsonObject root) => Root = root;

    public static ApiSchema Effective => Instance.Value;

    public JsonObject Root { get; }

    public JsonObject Components => Root["components"]!["schemas"]!.AsObject();

    public IEnumerable<ApiOperation> Operations
    {
        get
        {
            foreach (var (path, item) in Root["paths"]!.AsObject())
            {
                foreach (var (method, op) in item!.AsObject())
                {
                    if (op is JsonObject operation && operation["operationId"] is not null)
                    {
                        yield return new ApiOperation((string)operation["operationId"]!, method.ToUpperInvariant(), path, operation);
                    }
                }
            }
        }
    }

    public ApiOperation Operation(string id) => Operations.Single(o => o.Id == id);

    /// <summary>Follows <c>$ref</c> chains to the object they point at.</summary>
    public JsonObject? Resolve(JsonNode? node)
    {
        for (var hops = 0; node is JsonObject obj && obj["$ref"] is JsonValue reference; hops++)
        {
            if (hops > 32)
            {
                throw new InvalidOperationException("Cyclic $ref: " + reference);
            }

            node = Pointer((string)reference!);
        }

        return node as JsonObject;
    }

    /// <summary>The component name a schema refers to, if it is a plain <c>$ref</c>.</summary>
    public static string? RefName(JsonNode? schema) =>
        schema?["$ref"] is JsonValue v && ((string)v!).StartsWith("#/components/schemas/", StringComparison.Ordinal)
            ? ((string)v!)["#/components/schemas/".Length..] : null;

    private JsonNode? Pointer(string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            throw new NotSupportedException("External $ref: " + reference);
        }

        JsonNode? node = Root;
        foreach (var raw in reference[2..].Split('/'))
        {
            node = node?[raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
        }

        return node ?? throw new InvalidOperationException("Unresolved $ref: " + reference);
    }
}
