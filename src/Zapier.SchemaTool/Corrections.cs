using Newtonsoft.Json.Linq;

namespace Zapier.SchemaTool;

/// <summary>
/// Applies an OpenAPI Overlay 1.0 document of corrections to a schema. Each action must select at least one node,
/// and, when it carries <c>x-expect</c>, each selected node must still equal that value: a correction that no
/// longer matches the upstream document stops the build and names itself.
/// </summary>
/// <remarks>
/// Supported action fields: <c>target</c> (JSONPath), <c>update</c> (objects merged recursively, scalars and arrays
/// replaced; on an array target the items are appended), <c>remove: true</c>, and the project extensions
/// <c>x-correction</c> (name), <c>x-expect</c> (value the target must have; alone, the action only asserts) and <c>x-rename-to</c> (renames a
/// component schema and rewrites every <c>$ref</c> to it).
/// </remarks>
internal static class Corrections
{
    public static IReadOnlyList<string> Apply(JToken schema, JToken overlay, string overlayPath)
    {
        if (overlay["overlay"]?.Value<string>() is not { } version || !version.StartsWith("1.", StringComparison.Ordinal))
        {
            throw new SchemaToolException($"{overlayPath}: not an OpenAPI Overlay 1.x document (missing 'overlay: 1.0.0').");
        }

        if (overlay["actions"] is not JArray actions || actions.Count == 0)
        {
            throw new SchemaToolException($"{overlayPath}: has no actions.");
        }

        var applied = new List<string>();
        var index = 0;
        foreach (var action in actions.Cast<JObject>())
        {
            index++;
            var name = action["x-correction"]?.Value<string>() ?? $"action #{index}";
            var target = action["target"]?.Value<string>()
                ?? throw new SchemaToolException($"Correction '{name}': has no 'target'.");

            var selected = schema.SelectTokens(target).ToList();
            if (selected.Count == 0)
            {
                throw new SchemaToolException(
                    $"Correction '{name}' no longer matches the schema: target {target} selects nothing. " +
                    "Upstream may have fixed or renamed it; review the correction in the overlay.");
            }

            if (action["x-expect"] is { } expected)
            {
                foreach (var node in selected.Where(node => !JToken.DeepEquals(node, expected)))
                {
                    throw new SchemaToolException(
                        $"Correction '{name}' no longer matches the schema: {node.Path} is " +
                        $"{node.ToString(Newtonsoft.Json.Formatting.None)}, expected {expected.ToString(Newtonsoft.Json.Formatting.None)}. " +
                        "Upstream changed this part; review the correction in the overlay.");
                }
            }

            foreach (var node in selected)
            {
                if (action["remove"]?.Value<bool>() == true)
                {
                    Remove(node, name);
                }
                else if (action["x-rename-to"]?.Value<string>() is { } newName)
                {
                    RenameSchema(schema, node, newName, name);
                }
                else if (action["update"] is { } update)
                {
                    Update(node, update, name);
                }
                else if (action["x-expect"] is null)
                {
                    throw new SchemaToolException($"Correction '{name}': needs one of 'update', 'remove', 'x-rename-to' or 'x-expect'.");
                }
            }

            applied.Add(name);
        }

        return applied;
    }

    private static void Remove(JToken node, string name)
    {
        switch (node.Parent)
        {
            case JProperty property:
                property.Remove();
                break;
            case JArray:
                node.Remove();
                break;
            default:
                throw new SchemaToolException($"Correction '{name}': cannot remove the document root.");
        }
    }

    private static void Update(JToken node, JToken update, string name)
    {
        switch (node)
        {
            case JObject target when update is JObject patch:
                Merge(target, patch);
                break;
            case JArray array when update is JArray items:
                foreach (var item in items)
                {
                    array.Add(item.DeepClone());
                }

                break;
            case JArray array:
                array.Add(update.DeepClone());
                break;
            default:
                throw new SchemaToolException($"Correction '{name}': can only update an object or an array, {node.Path} is {node.Type}.");
        }
    }

    private static void Merge(JObject target, JObject patch)
    {
        foreach (var property in patch.Properties())
        {
            if (target[property.Name] is JObject existing && property.Value is JObject nested)
            {
                Merge(existing, nested);
            }
            else
            {
                target[property.Name] = property.Value.DeepClone();
            }
        }
    }

    private static void RenameSchema(JToken root, JToken node, string newName, string name)
    {
        if (node.Parent is not JProperty property || property.Parent?.Parent is not JProperty { Name: "schemas" } schemas
            || schemas.Parent?.Parent is not JProperty { Name: "components" })
        {
            throw new SchemaToolException($"Correction '{name}': x-rename-to only renames entries of components/schemas; {node.Path} is not one.");
        }

        var container = (JObject)property.Parent;
        if (container.ContainsKey(newName))
        {
            throw new SchemaToolException($"Correction '{name}': cannot rename '{property.Name}' to '{newName}', that schema already exists.");
        }

        var oldRef = "#/components/schemas/" + property.Name;
        var newRef = "#/components/schemas/" + newName;
        property.AddAfterSelf(new JProperty(newName, property.Value));
        property.Remove();

        foreach (var reference in ((JContainer)root).Descendants().OfType<JProperty>().Where(p => p.Name == "$ref").ToList())
        {
            if (reference.Value is JValue value && (string?)value.Value == oldRef)
            {
                value.Value = newRef;
            }
        }
    }
}
