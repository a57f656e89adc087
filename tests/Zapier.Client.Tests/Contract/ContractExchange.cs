using System.Globalization;
using System.Text.Json.Nodes;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests.Contract;

/// <summary>
/// What one contract case sends and what the stub answers, all derived from the schema: path values that must stay
/// one encoded segment, a value for every query parameter, a request body and a response body valid for their schemas.
/// </summary>
internal sealed class ContractExchange
{
    /// <summary>A path parameter value with every character that could break out of its segment.</summary>
    public const string TrickyPathValue = "a/b?c#d %é..";

    public const string RequestId = "req-contract-0001";

    private ContractExchange(ApiOperation operation, string status)
    {
        Operation = operation;
        Status = int.Parse(status, CultureInfo.InvariantCulture);
        PathValues = operation.Parameters("path").ToDictionary(p => (string)p["name"]!, p => TrickyPathValue + (string)p["name"]!);
        Query = operation.Parameters("query").ToDictionary(
            p => (string)p["name"]!,
            p => QueryValue(p["schema"], "query." + (string)p["name"]!));
        RequestBody = operation.RequestBodySchema is { } requestSchema
            ? SampleValues.For(requestSchema, "request", SampleValues.Direction.Request) : null;
        ResponseSchema = operation.ResponseSchema(status);
        ResponseBody = ResponseSchema is null ? null : SampleValues.For(ResponseSchema, "response." + status);
        ResponseHeaders = new Dictionary<string, string> { ["X-Request-Id"] = RequestId };
        foreach (var (name, _) in operation.Response(status)["headers"] as JsonObject ?? [])
        {
            ResponseHeaders[name] = name switch
            {
                "Retry-After" => "7",
                "X-RateLimit-Limit" => "60",
                "X-RateLimit-Remaining" => "0",
                "X-RateLimit-Reset" => "1767225600",
                _ => "h-" + name,
            };
        }
    }

    public ApiOperation Operation { get; }

    public int Status { get; }

    public IReadOnlyDictionary<string, string> PathValues { get; }

    public IReadOnlyDictionary<string, JsonNode?> Query { get; }

    public JsonNode? RequestBody { get; }

    public JsonNode? ResponseSchema { get; }

    public JsonNode? ResponseBody { get; }

    public Dictionary<string, string> ResponseHeaders { get; }

    /// <summary>The raw path the client must send: each parameter percent-encoded as one segment.</summary>
    public string ExpectedRawPath => "/" + string.Join('/', Operation.Path.Split('/', StringSplitOptions.RemoveEmptyEntries)
        .Select(s => s.StartsWith('{') ? Uri.EscapeDataString(PathValues[s.Trim('{', '}')]) : s));

    public static ContractExchange For(ApiOperation operation, string status) => new(operation, status);

    /// <summary>How a query value appears on the wire (arrays per the parameter's explode setting).</summary>
    public IReadOnlyList<string> WireValues(string name)
    {
        var value = Query[name];
        if (value is JsonArray items)
        {
            var parameter = Operation.Parameters("query").Single(p => (string)p["name"]! == name);
            var explode = parameter["explode"] is JsonValue e ? (bool)e : ((string?)parameter["style"] ?? "form") == "form";
            var parts = items.Select(Scalar).ToList();
            return explode ? parts : [string.Join(',', parts)];
        }

        return [Scalar(value)];
    }

    private static string Scalar(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string)v! : value?.ToJsonString() ?? string.Empty;

    private static JsonNode? QueryValue(JsonNode? schema, string path) =>
        ApiSchema.Effective.Resolve(schema) is { } resolved && (resolved["type"] is not null || resolved["enum"] is not null)
            ? SampleValues.For(schema, path, SampleValues.Direction.Request)
            : JsonValue.Create("q-" + path.Length.ToString(CultureInfo.InvariantCulture)); // untyped query value: any string
}
