using System.Reflection;
using System.Text.Json.Nodes;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests.Lists;

/// <summary>
/// The list operations of the effective schema, derived from their 200 answers so that a schema refresh that adds a
/// list adds it here: an object with a <c>data</c> array and <c>links</c> or <c>meta</c> (v2 paging), an object with an
/// <c>objects</c> array and <c>next</c> or <c>next_url</c> (v1 paging), or a bare array from an operation that takes
/// <c>offset</c> or <c>page</c>.
/// </summary>
internal static class ListOperations
{
    public static IReadOnlyList<ApiOperation> All { get; } = [.. ApiSchema.Effective.Operations.Where(IsList).OrderBy(o => o.Id, StringComparer.Ordinal)];

    /// <summary>The generated request builder type of an operation (path parameters filled with placeholders).</summary>
    public static (Type Builder, MethodInfo Operation) BuilderOf(ApiOperation operation)
    {
        using var client = new ZapierClient(new ZapierClientOptions { AccessToken = "t" });
        var values = operation.Path.Split('/').Where(s => s.StartsWith('{')).ToDictionary(s => s.Trim('{', '}'), _ => "x");
        var (builder, method) = KiotaInvoker.Resolve(client, operation, values);
        return (builder.GetType(), method);
    }

    /// <summary>The item type of an operation's page: the element of its <c>Data</c> or <c>Objects</c> list, or of the list itself.</summary>
    public static Type ItemTypeOf(MethodInfo operation)
    {
        var page = operation.ReturnType.GetGenericArguments()[0];
        var list = page.IsGenericType && page.GetGenericTypeDefinition() == typeof(List<>)
            ? page
            : (page.GetProperty("Data") ?? page.GetProperty("Objects"))!.PropertyType;
        return list.GetGenericArguments()[0];
    }

    private static bool IsList(ApiOperation operation)
    {
        if (!operation.Statuses.Contains("200") || ApiSchema.Effective.Resolve(operation.ResponseSchema("200")) is not { } body)
        {
            return false;
        }

        if (Is(body, "array"))
        {
            return operation.Parameters("query").Any(p => (string?)p["name"] is "offset" or "page");
        }

        var properties = body["properties"] as JsonObject ?? [];
        bool Array(string name) => properties[name] is { } p && ApiSchema.Effective.Resolve(p) is { } s && Is(s, "array");
        return (Array("data") && (properties.ContainsKey("links") || properties.ContainsKey("meta")))
            || (Array("objects") && (properties.ContainsKey("next") || properties.ContainsKey("next_url")));
    }

    private static bool Is(JsonObject schema, string type) => schema["type"] switch
    {
        JsonValue value => (string?)value == type,
        JsonArray types => types.Any(t => (string?)t == type),
        _ => false,
    };
}
