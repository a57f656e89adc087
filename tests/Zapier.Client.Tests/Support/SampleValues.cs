using System.Globalization;
using System.Text.Json.Nodes;

namespace Zapier.Client.Tests.Support;

/// <summary>
/// Builds a JSON value valid for a schema, with every declared property present and values that differ from field
/// to field (derived from the JSON path), so a field that lands in the wrong place cannot go unnoticed.
/// </summary>
internal static class SampleValues
{
    private const int MaxDepth = 12;

    public enum Direction
    {
        Request,
        Response,
    }

    public static JsonNode? For(JsonNode? schema, string path, Direction direction = Direction.Response) =>
        Build(schema, path, direction, 0);

    private static JsonNode? Build(JsonNode? node, string path, Direction direction, int depth)
    {
        var schema = ApiSchema.Effective.Resolve(node);
        if (schema is null || depth > MaxDepth)
        {
            return null;
        }

        if (schema["allOf"] is JsonArray allOf)
        {
            var merged = new JsonObject();
            foreach (var part in allOf)
            {
                if (Build(part, path, direction, depth + 1) is JsonObject obj)
                {
                    foreach (var (key, value) in obj)
                    {
                        merged[key] = value?.DeepClone();
                    }
                }
                else if (allOf.Count == 1)
                {
                    return Build(part, path, direction, depth + 1);
                }
            }

            return merged;
        }

        if ((schema["oneOf"] ?? schema["anyOf"]) is JsonArray choices)
        {
            var first = choices.FirstOrDefault(c => !IsNullSchema(c)) ?? choices[0];
            return Build(first, path, direction, depth + 1);
        }

        if (schema["enum"] is JsonArray values)
        {
            var options = values.Where(v => v is not null).ToList();
            return options.Count == 0 ? null : options[(int)(Hash(path) % (uint)options.Count)]!.DeepClone();
        }

        if (schema["const"] is { } constant)
        {
            return constant.DeepClone();
        }

        return TypeOf(schema) switch
        {
            "object" => BuildObject(schema, path, direction, depth),
            "array" => new JsonArray(Build(schema["items"], path + "[0]", direction, depth + 1)),
            "string" => StringValue(schema, path),
            "integer" => IntegerValue(schema, path),
            "number" => JsonValue.Create((Hash(path) % 1000) + 0.5),
            "boolean" => JsonValue.Create(Hash(path) % 2 == 0),
            "null" => null,
            _ => new JsonObject { ["free_form"] = "any-" + Short(path) },
        };
    }

    private static JsonObject BuildObject(JsonObject schema, string path, Direction direction, int depth)
    {
        var result = new JsonObject();
        if (schema["properties"] is JsonObject properties && properties.Count > 0)
        {
            foreach (var (name, property) in properties)
            {
                var resolved = ApiSchema.Effective.Resolve(property);
                var skip = direction == Direction.Request ? resolved?["readOnly"] : resolved?["writeOnly"];
                if (skip is JsonValue flag && (bool)flag)
                {
                    continue;
                }

                result[name] = Build(property, path + "." + name, direction, depth + 1);
            }
        }
        else
        {
            // Free-form object: one entry, which a typed client can only keep as additional data.
            result["extra_" + Short(path)] = "value-" + Short(path + "#");
        }

        return result;
    }

    private static JsonNode StringValue(JsonObject schema, string path)
    {
        var h = Hash(path);
        var text = (string?)schema["format"] switch
        {
            "date-time" => new DateTimeOffset(2024, 1 + (int)(h % 12), 1 + (int)(h % 28), (int)(h % 24), (int)(h % 60), 7, TimeSpan.Zero)
                .ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            "date" => new DateOnly(2024, 1 + (int)(h % 12), 1 + (int)(h % 28)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            "uuid" => new Guid((int)h, (short)(h >> 3), (short)(h >> 7), 1, 2, 3, 4, 5, 6, 7, 8).ToString("D"),
            "uri" => "https://example.com/" + Short(path),
            "email" => "user-" + Short(path) + "@example.com",
            _ => "s-" + Short(path),
        };
        if (schema["maxLength"] is JsonValue max && text.Length > (int)max)
        {
            text = text[..(int)max];
        }

        return JsonValue.Create(text);
    }

    private static JsonNode IntegerValue(JsonObject schema, string path)
    {
        var minimum = schema["minimum"] is JsonValue min ? (long)min : 0;
        var value = minimum + 1 + (Hash(path) % 90);
        if (schema["maximum"] is JsonValue max)
        {
            value = Math.Min(value, (long)max);
        }

        return JsonValue.Create(value);
    }

    private static string? TypeOf(JsonObject schema) => schema["type"] switch
    {
        JsonValue single => (string?)single,
        JsonArray several => several.Select(t => (string?)t).FirstOrDefault(t => t != "null") ?? "null",
        _ when schema["properties"] is not null || schema["additionalProperties"] is not null => "object",
        _ when schema["items"] is not null => "array",
        _ => null,
    };

    private static bool IsNullSchema(JsonNode? schema) =>
        ApiSchema.Effective.Resolve(schema)?["type"] is JsonValue t && (string?)t == "null";

    private static string Short(string path) => Hash(path).ToString("x8", CultureInfo.InvariantCulture)[..6];

    /// <summary>FNV-1a: stable across runs and platforms.</summary>
    private static uint Hash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
