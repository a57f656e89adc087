using System.Text;
using Newtonsoft.Json.Linq;

namespace Zapier.SchemaTool;

/// <summary>
/// What changed between two versions of the upstream schema, for a reviewer of a refresh: operations, component
/// schemas, their properties and enum values added or removed; with them, the generated files and the public API a
/// refresh added, removed or changed (new generated files are untracked in git and easy to miss).
/// </summary>
internal sealed record SchemaDiff(
    IReadOnlyList<string> OperationsAdded,
    IReadOnlyList<string> OperationsRemoved,
    IReadOnlyList<string> OperationsChanged,
    IReadOnlyList<string> SchemasAdded,
    IReadOnlyList<string> SchemasRemoved,
    IReadOnlyList<string> SchemasChanged,
    IReadOnlyList<string> PropertiesAdded,
    IReadOnlyList<string> PropertiesRemoved,
    IReadOnlyList<string> EnumValuesAdded,
    IReadOnlyList<string> EnumValuesRemoved)
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    public bool IsEmpty => OperationsAdded.Count + OperationsRemoved.Count + OperationsChanged.Count + SchemasAdded.Count
        + SchemasRemoved.Count + SchemasChanged.Count + PropertiesAdded.Count + PropertiesRemoved.Count + EnumValuesAdded.Count + EnumValuesRemoved.Count == 0;

    public static SchemaDiff Compare(JToken before, JToken after)
    {
        var oldOperations = Operations(before);
        var newOperations = Operations(after);
        var oldSchemas = Schemas(before);
        var newSchemas = Schemas(after);
        var kept = oldSchemas.Keys.Intersect(newSchemas.Keys, StringComparer.Ordinal).ToList();

        var propertiesAdded = new List<string>();
        var propertiesRemoved = new List<string>();
        foreach (var name in kept)
        {
            var oldProperties = Properties(oldSchemas[name]);
            var newProperties = Properties(newSchemas[name]);
            propertiesAdded.AddRange(newProperties.Except(oldProperties, StringComparer.Ordinal).Select(p => $"{name}.{p}"));
            propertiesRemoved.AddRange(oldProperties.Except(newProperties, StringComparer.Ordinal).Select(p => $"{name}.{p}"));
        }

        // Enums of operations and schemas that exist on both sides; a new or removed one is reported as a whole above.
        var keptOperations = oldOperations.Keys.Intersect(newOperations.Keys, StringComparer.Ordinal).ToList();
        var oldEnums = Enums(before, kept, keptOperations);
        var newEnums = Enums(after, kept, keptOperations);
        var enumsAdded = new List<string>();
        var enumsRemoved = new List<string>();
        foreach (var place in oldEnums.Keys.Union(newEnums.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var oldValues = oldEnums.GetValueOrDefault(place) ?? [];
            var newValues = newEnums.GetValueOrDefault(place) ?? [];
            enumsAdded.AddRange(newValues.Except(oldValues, StringComparer.Ordinal).Select(v => $"{place}: {v}"));
            enumsRemoved.AddRange(oldValues.Except(newValues, StringComparer.Ordinal).Select(v => $"{place}: {v}"));
        }

        return new SchemaDiff(
            Sorted(newOperations.Where(o => !oldOperations.ContainsKey(o.Key)).Select(o => o.Value)),
            Sorted(oldOperations.Where(o => !newOperations.ContainsKey(o.Key)).Select(o => o.Value)),
            Sorted(keptOperations.Where(o => !JToken.DeepEquals(Operation(before, o), Operation(after, o))).Select(o => newOperations[o])),
            Sorted(newSchemas.Keys.Except(oldSchemas.Keys, StringComparer.Ordinal)),
            Sorted(oldSchemas.Keys.Except(newSchemas.Keys, StringComparer.Ordinal)),
            Sorted(kept.Where(name => !JToken.DeepEquals(oldSchemas[name], newSchemas[name]))),
            Sorted(propertiesAdded),
            Sorted(propertiesRemoved),
            enumsAdded,
            enumsRemoved);
    }

    /// <summary>
    /// The summary a reviewer reads; with the generated files' changes against HEAD and the public API changes the
    /// build reported, when given.
    /// </summary>
    public string Render(FolderChanges? generated, ApiChanges? api)
    {
        var text = new StringBuilder();
        text.AppendLine("Schema refresh summary");
        Section(text, "Operations added", OperationsAdded);
        Section(text, "Operations removed", OperationsRemoved);
        Section(text, "Operations changed (parameters, request or responses)", OperationsChanged);
        Section(text, "Schemas added", SchemasAdded);
        Section(text, "Schemas removed", SchemasRemoved);
        Section(text, "Schemas changed", SchemasChanged);
        Section(text, "Properties added", PropertiesAdded);
        Section(text, "Properties removed", PropertiesRemoved);
        Section(text, "Enum values added", EnumValuesAdded);
        Section(text, "Enum values removed", EnumValuesRemoved);
        if (generated is not null)
        {
            Section(text, "Generated files added (new: git add them)", generated.Added);
            Section(text, "Generated files removed", generated.Removed);
            Section(text, "Generated files changed", generated.Changed);
        }

        if (api is not null)
        {
            Section(text, "Public API added", api.Added);
            Section(text, "Public API removed", api.Removed);
        }

        return text.ToString();
    }

    private static void Section(StringBuilder text, string title, IReadOnlyList<string> items)
    {
        text.AppendLine($"{title}: {(items.Count == 0 ? "none" : items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))}");
        foreach (var item in items)
        {
            text.AppendLine("  " + item);
        }
    }

    private static List<string> Sorted(IEnumerable<string> items) => items.Order(StringComparer.Ordinal).ToList();

    /// <summary>Operations by "METHOD path", described with their operationId.</summary>
    private static Dictionary<string, string> Operations(JToken schema)
    {
        var operations = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in (schema["paths"] as JObject)?.Properties() ?? [])
        {
            foreach (var method in (path.Value as JObject)?.Properties().Where(m => Methods.Contains(m.Name)) ?? [])
            {
                var key = $"{method.Name.ToUpperInvariant()} {path.Name}";
                var id = method.Value["operationId"]?.Value<string>();
                operations[key] = id is null ? key : $"{key} ({id})";
            }
        }

        return operations;
    }

    /// <summary>The operation object for a "METHOD path" key.</summary>
    private static JToken? Operation(JToken schema, string key)
    {
        var split = key.IndexOf(' ', StringComparison.Ordinal);
        return schema["paths"]?[key[(split + 1)..]]?[key[..split].ToLowerInvariant()];
    }

    private static Dictionary<string, JToken> Schemas(JToken schema) =>
        ((schema["components"]?["schemas"] as JObject)?.Properties() ?? []).ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);

    /// <summary>Property names of a schema, including those of its allOf members written inline.</summary>
    private static List<string> Properties(JToken schema)
    {
        var names = ((schema["properties"] as JObject)?.Properties() ?? []).Select(p => p.Name).ToList();
        foreach (var member in (schema["allOf"] as JArray ?? []).Where(m => m["$ref"] is null))
        {
            names.AddRange(Properties(member));
        }

        return names;
    }

    /// <summary>
    /// Every enum under the given component schemas and operations, by a readable place: <c>Schema</c>,
    /// <c>Schema.property</c> (deeper: <c>Schema.property.items</c>), or <c>METHOD path parameter name</c>.
    /// </summary>
    private static Dictionary<string, List<string>> Enums(JToken schema, IReadOnlyList<string> schemas, IReadOnlyList<string> operations)
    {
        var enums = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var components = Schemas(schema);
        foreach (var name in schemas)
        {
            Collect(components[name], name, enums);
        }

        foreach (var operation in operations)
        {
            foreach (var parameter in (Operation(schema, operation)?["parameters"] as JArray ?? []).OfType<JObject>())
            {
                if (parameter["schema"] is { } parameterSchema)
                {
                    Collect(parameterSchema, $"{operation} parameter {parameter.Value<string>("name")}", enums);
                }
            }
        }

        return enums;
    }

    private static void Collect(JToken node, string place, Dictionary<string, List<string>> enums)
    {
        if (node is not JObject schema)
        {
            return;
        }

        if (schema["enum"] is JArray values)
        {
            enums[place] = values.Select(v => v.Type == JTokenType.Null ? "null" : v.ToString(Newtonsoft.Json.Formatting.None).Trim('"')).ToList();
        }

        foreach (var property in (schema["properties"] as JObject)?.Properties() ?? [])
        {
            Collect(property.Value, $"{place}.{property.Name}", enums);
        }

        if (schema["items"] is { } items)
        {
            Collect(items, $"{place}.items", enums);
        }

        foreach (var keyword in new[] { "allOf", "anyOf", "oneOf" })
        {
            var index = 0;
            foreach (var member in schema[keyword] as JArray ?? [])
            {
                Collect(member, $"{place}.{keyword}[{index++}]", enums);
            }
        }
    }
}
