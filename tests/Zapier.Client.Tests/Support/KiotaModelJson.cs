using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Runtime.Serialization;
using System.Text.Json.Nodes;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;

namespace Zapier.Client.Tests.Support;

/// <summary>
/// Reads a parsed Kiota model back into JSON by walking it alongside its schema, through the model's own
/// properties. Unlike Kiota's serializer it also shows read-only fields and does not trip on composed types, and it
/// reports every schema property the generated type has no property for (a field the model cannot hold).
/// </summary>
internal sealed class KiotaModelJson
{
    private readonly List<string> _missing = [];

    /// <summary>Schema properties the model types had no C# property for, as JSON paths.</summary>
    public IReadOnlyList<string> Missing => _missing;

    public static (JsonNode? Json, IReadOnlyList<string> Missing) Read(object? model, JsonNode? schema)
    {
        var reader = new KiotaModelJson();
        return (reader.Node(model, schema, "$"), reader.Missing);
    }

    private JsonNode? Node(object? value, JsonNode? schemaNode, string path)
    {
        if (value is null)
        {
            return null;
        }

        var schema = ApiSchema.Effective.Resolve(schemaNode);
        if (schema?["allOf"] is JsonArray { Count: 1 } single)
        {
            return Node(value, single[0], path);
        }

        if (value is not IComposedTypeWrapper && (schema?["oneOf"] ?? schema?["anyOf"]) is JsonArray alternatives
            && alternatives.Where(a => ApiSchema.Effective.Resolve(a)?["type"] is not JsonValue t || (string?)t != "null").ToList() is [var only])
        {
            return Node(value, only, path); // "X or null" is generated as plain X
        }

        if (value is IComposedTypeWrapper)
        {
            // Take the first alternative, in schema order, that the wrapper holds a value for.
            var members = value.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0)
                .Select(p => (p.PropertyType, Value: p.GetValue(value))).Where(m => m.Value is not null).ToList();
            foreach (var choice in (schema?["oneOf"] ?? schema?["anyOf"]) as JsonArray ?? [])
            {
                var refName = ApiSchema.RefName(choice);
                var match = members.FirstOrDefault(m => refName is null
                    ? m.Value is not IParsable
                    : m.Value is IParsable && GeneratedNames.Normalize(m.PropertyType.Name) == GeneratedNames.Normalize(refName));
                if (match.Value is not null)
                {
                    return Node(match.Value, choice, path);
                }
            }

            return null;
        }

        switch (value)
        {
            case UntypedNode untyped:
                return Untyped(untyped);
            case string s:
                return JsonValue.Create(s);
            case bool b:
                return JsonValue.Create(b);
            case int or long or double or float or decimal:
                return JsonNode.Parse(Convert.ToString(value, CultureInfo.InvariantCulture)!);
            case DateTimeOffset d:
                return JsonValue.Create(d.ToString("O", CultureInfo.InvariantCulture));
            case Date date:
                return JsonValue.Create(date.ToString());
            case Guid g:
                return JsonValue.Create(g.ToString("D"));
            case Enum e:
                var field = e.GetType().GetField(e.ToString())!;
                return JsonValue.Create(field.GetCustomAttribute<EnumMemberAttribute>()?.Value ?? e.ToString());
            case IDictionary dictionary:
                var map = new JsonObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    map[(string)entry.Key] = Node(entry.Value, null, $"{path}.{entry.Key}");
                }

                return map;
            case IEnumerable items when value is not IParsable:
                return new JsonArray(items.Cast<object?>().Select((item, i) => Node(item, schema?["items"], $"{path}[{i}]")).ToArray());
            case IParsable parsable:
                return Object(parsable, schema, path);
            default:
                throw new NotSupportedException($"{path}: cannot read {value.GetType()}");
        }
    }

    private JsonObject Object(IParsable model, JsonObject? schema, string path)
    {
        var result = new JsonObject();
        var properties = model.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0).ToList();
        foreach (var (name, propertySchema) in DeclaredProperties(schema))
        {
            var property = properties.FirstOrDefault(p => GeneratedNames.Normalize(p.Name) == GeneratedNames.Normalize(name))
                ?? properties.FirstOrDefault(p => GeneratedNames.Normalize(p.Name) == GeneratedNames.Normalize(name) + "PROP");
            if (property is null)
            {
                _missing.Add($"{path}.{name} (no property on {model.GetType().Name})");
                continue;
            }

            result[name] = Node(property.GetValue(model), propertySchema, $"{path}.{name}");
        }

        if (model is IAdditionalDataHolder holder)
        {
            foreach (var (key, value) in holder.AdditionalData)
            {
                result[key] = Node(value, null, $"{path}.{key}");
            }
        }

        return result;
    }

    /// <summary>Properties of an object schema, including those its allOf parts contribute.</summary>
    public static IEnumerable<KeyValuePair<string, JsonNode?>> DeclaredProperties(JsonObject? schema)
    {
        foreach (var property in schema?["properties"] as JsonObject ?? [])
        {
            yield return property;
        }

        foreach (var part in schema?["allOf"] as JsonArray ?? [])
        {
            foreach (var property in DeclaredProperties(ApiSchema.Effective.Resolve(part)))
            {
                yield return property;
            }
        }
    }

    private static JsonNode? Untyped(UntypedNode node) => node switch
    {
        UntypedObject o => new JsonObject(o.GetValue().Select(p => KeyValuePair.Create(p.Key, Untyped(p.Value)))),
        UntypedArray a => new JsonArray(a.GetValue().Select(Untyped).ToArray()),
        UntypedString s => JsonValue.Create(s.GetValue()),
        UntypedBoolean b => JsonValue.Create(b.GetValue()),
        UntypedInteger i => JsonValue.Create(i.GetValue()),
        UntypedLong l => JsonValue.Create(l.GetValue()),
        UntypedDouble d => JsonValue.Create(d.GetValue()),
        UntypedFloat f => JsonValue.Create(f.GetValue()),
        UntypedDecimal m => JsonValue.Create(m.GetValue()),
        UntypedNull => null,
        _ => throw new NotSupportedException("Unknown untyped node " + node.GetType()),
    };

}
