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
/// <c>x-correction</c> (name), <c>x-expect</c> (value the target must have; alone, the action only asserts),
/// <c>x-rename-to</c> (renames a component schema and rewrites every <c>$ref</c> to it, or renames a path parameter
/// and the path templates that use it) and <c>x-extract-to</c> (moves an inline schema into a named component and
/// refers to it from where it was).
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
                    if (node is JObject parameter && parameter.Value<string>("in") == "path")
                    {
                        RenamePathParameter(schema, node, newName, name);
                    }
                    else
                    {
                        RenameSchema(schema, node, newName, name);
                    }
                }
                else if (action["x-extract-to"]?.Value<string>() is { } componentName)
                {
                    ExtractSchema(schema, node, componentName, name);
                }
                else if (action["update"] is { } update)
                {
                    Update(node, update, name);
                }
                else if (action["x-expect"] is null)
                {
                    throw new SchemaToolException($"Correction '{name}': needs one of 'update', 'remove', 'x-rename-to', 'x-extract-to' or 'x-expect'.");
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

    /// <summary>Keywords that describe the place a schema is used rather than the schema; they stay at that place.</summary>
    private static readonly string[] UseSiteKeywords = ["description", "readOnly", "writeOnly", "deprecated"];

    /// <summary>
    /// Moves an inline schema into <c>components/schemas/componentName</c> and leaves a <c>$ref</c> to it, with the
    /// use-site keywords (description, readOnly, ...), where it was. Kiota names an inline schema after its parent and
    /// property (<c>ActionRunResponseData_results</c>); a component gets the name given here. Several places may share
    /// one component when their schemas are identical; a different schema under an existing name is refused.
    /// </summary>
    private static void ExtractSchema(JToken root, JToken node, string componentName, string name)
    {
        if (node is not JObject inline || inline.ContainsKey("$ref"))
        {
            throw new SchemaToolException($"Correction '{name}': x-extract-to needs an inline schema; {node.Path} is {(node is JObject ? "a $ref already" : node.Type.ToString())}.");
        }

        if (root.SelectToken("$.components.schemas") is not JObject schemas)
        {
            throw new SchemaToolException($"Correction '{name}': the schema has no components/schemas to extract into.");
        }

        var component = (JObject)inline.DeepClone();
        foreach (var keyword in UseSiteKeywords.Where(k => k != "description"))
        {
            component.Remove(keyword);
        }

        if (schemas[componentName] is { } existing && !JToken.DeepEquals(existing, component))
        {
            throw new SchemaToolException(
                $"Correction '{name}': cannot extract {node.Path} to '{componentName}', a different schema already has that name.");
        }

        schemas[componentName] = component;
        var reference = new JObject { ["$ref"] = "#/components/schemas/" + componentName };
        foreach (var keyword in UseSiteKeywords)
        {
            if (inline[keyword] is { } value)
            {
                reference[keyword] = value.DeepClone();
            }
        }

        inline.Replace(reference);
    }

    /// <summary>
    /// Renames a path parameter (an entry of an operation's or a path item's <c>parameters</c> with <c>in: path</c>)
    /// and the <c>{name}</c> in its path's template. Only the value of a path parameter travels, so the requests stay
    /// the same; Kiota derives the item request builder's class name from the parameter name.
    /// </summary>
    private static void RenamePathParameter(JToken root, JToken node, string newName, string name)
    {
        var parameter = (JObject)node;
        var oldName = parameter.Value<string>("name")
            ?? throw new SchemaToolException($"Correction '{name}': the path parameter at {node.Path} has no name.");
        var pathItem = node.Ancestors().OfType<JProperty>().FirstOrDefault(p => p.Parent?.Parent is JProperty { Name: "paths" } paths && paths.Parent == root)
            ?? throw new SchemaToolException($"Correction '{name}': {node.Path} is not a parameter of an entry of paths.");

        parameter["name"] = newName;
        var oldSegment = "{" + oldName + "}";
        if (pathItem.Name.Contains(oldSegment, StringComparison.Ordinal))
        {
            var newPath = pathItem.Name.Replace(oldSegment, "{" + newName + "}", StringComparison.Ordinal);
            if (((JObject)pathItem.Parent!).ContainsKey(newPath))
            {
                throw new SchemaToolException($"Correction '{name}': cannot rename the path {pathItem.Name} to {newPath}, that path already exists.");
            }

            // Detach the path item before re-adding it: Json.NET would copy a value that still has a parent, and the
            // other selected parameters of this path (one per operation) must stay part of the document.
            var value = pathItem.Value;
            pathItem.Value = JValue.CreateNull();
            pathItem.Replace(new JProperty(newPath, value));
        }
        else if (!pathItem.Name.Contains("{" + newName + "}", StringComparison.Ordinal))
        {
            // Another operation of the same path renamed the template already; otherwise the parameter is not in it.
            throw new SchemaToolException($"Correction '{name}': the path {pathItem.Name} has no {oldSegment} to rename.");
        }
    }
}
