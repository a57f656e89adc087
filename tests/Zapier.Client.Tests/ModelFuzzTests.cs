using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Microsoft.Kiota.Abstractions.Serialization;
using Zapier.Client.Errors;
using Zapier.Client.Generated.Models;
using Zapier.Client.Serialization;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests;

/// <summary>
/// Property-based tests (CsCheck) over every response model of the schema: arbitrary JSON never raises anything but a
/// <see cref="ZapierProtocolException"/> (and only for bodies that are not JSON), and bodies valid for the schema,
/// generated at random, come back field for field.
/// </summary>
public sealed class ModelFuzzTests
{
    private const int RandomJsonIterations = 2000;
    private const int ValidBodyIterations = 300;

    public static TheoryData<string> Models()
    {
        var data = new TheoryData<string>();
        foreach (var (name, schema) in ApiSchema.Effective.Components)
        {
            if (KiotaModelJson.DeclaredProperties(ApiSchema.Effective.Resolve(schema)).Any())
            {
                data.Add(name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Arbitrary_json_parses_without_raising_and_keeps_what_the_model_cannot_hold(string component)
    {
        var type = GeneratedNames.ModelFor(component);
        var keys = KiotaModelJson.DeclaredProperties(ApiSchema.Effective.Resolve(ApiSchema.Effective.Components[component])).Select(p => p.Key).ToArray();
        AnyObject(keys).Sample(json =>
        {
            var model = Parse(type, json.ToJsonString());
            Assert.NotNull(model);

            // Nothing is lost: every property of the input is either read into the model or kept as additional data.
            var (read, _) = KiotaModelJson.Read(model, ApiSchema.Effective.Components[component]);
            foreach (var (key, value) in json.AsObject())
            {
                if (value is not null)
                {
                    Assert.True(read is JsonObject o && o[key] is not null, $"{component}: '{key}' = {value.ToJsonString()} was lost");
                }
            }
        }, iter: RandomJsonIterations, seed: null);
    }

    [Fact]
    public void Bodies_that_are_not_json_raise_only_a_protocol_error()
    {
        Gen.String.Where(s => s.Length > 0).Sample(text =>
        {
            try
            {
                Parse(typeof(ActionRunResponse), text);
            }
            catch (ZapierProtocolException)
            {
                // documented for bodies that are not JSON
            }
        }, iter: 2000);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Valid_bodies_generated_from_the_schema_round_trip(string component)
    {
        var schema = ApiSchema.Effective.Components[component];
        var type = GeneratedNames.ModelFor(component);
        ForSchema(schema, 0).Sample(json =>
        {
            var model = Parse(type, json!.ToJsonString());
            var (read, missing) = KiotaModelJson.Read(model, schema);
            Assert.Empty(missing);
            var difference = JsonDiff.FirstDifference(json, read);
            Assert.True(difference is null, $"{component}: {difference} in {json.ToJsonString()}");
        }, iter: ValidBodyIterations);
    }

    private static readonly JsonNode? NullNode = null;

    private static Gen<T> Pick<T>(IReadOnlyList<T> values) => Gen.Int[0, values.Count - 1].Select(i => values[i]);

    private static IParsable Parse(Type type, string json)
    {
        var factory = new ZapierParseNodeFactory();
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        var node = factory.GetRootParseNodeAsync("application/json", stream).GetAwaiter().GetResult();
        var method = typeof(ModelFuzzTests).GetMethod(nameof(Read), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.MakeGenericMethod(type);
        // DoNotWrapExceptions: a protocol error must reach the caller as itself, not inside a TargetInvocationException.
        return (IParsable)method.Invoke(null, System.Reflection.BindingFlags.DoNotWrapExceptions, binder: null, [node], culture: null)!;
    }

    private static T Read<T>(IParseNode node)
        where T : IParsable => node.GetObjectValue(KiotaJson.Factory<T>());

    /// <summary>Any JSON value, nested a few levels.</summary>
    private static Gen<JsonNode?> AnyJson(int depth) =>
        depth > 2
            ? Scalar()
            : Gen.Frequency(
                (4, Scalar()),
                (1, Gen.Int[0, 3].SelectMany(n => AnyJson(depth + 1).Array[n]).Select(items => (JsonNode?)new JsonArray(items.Select(i => i?.DeepClone()).ToArray()))),
                (1, Gen.Int[0, 3].SelectMany(n => Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 1, 6], AnyJson(depth + 1)).Array[n])
                    .Select(pairs => (JsonNode?)ToObject(pairs))));

    private static Gen<JsonNode?> Scalar() => Gen.Frequency(
        (1, Gen.Const(NullNode)),
        (1, Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b))),
        (2, Gen.Long.Select(n => (JsonNode?)JsonValue.Create(n))),
        (1, Gen.Double.Where(double.IsFinite).Select(d => (JsonNode?)JsonValue.Create(d))),
        (3, Gen.String.Select(s => (JsonNode?)JsonValue.Create(s))),
        (1, Gen.Const<JsonNode?>(JsonValue.Create("2024-02-30T25:61:00Z"))));

    /// <summary>An object whose keys are mostly the model's own, with values of any JSON type.</summary>
    private static Gen<JsonObject> AnyObject(string[] keys) =>
        Gen.Int[0, 8].SelectMany(n => Gen.Select(Gen.Frequency((4, Pick(keys)), (1, Gen.String[Gen.Char.AlphaNumeric, 1, 8])), AnyJson(0)).Array[n])
            .Select(ToObject);

    private static JsonObject ToObject((string Key, JsonNode? Value)[] pairs)
    {
        var result = new JsonObject();
        foreach (var (key, value) in pairs)
        {
            result[key] = value?.DeepClone();
        }

        return result;
    }

    /// <summary>A random JSON value valid for a schema (every declared property present or absent at random).</summary>
    private static Gen<JsonNode?> ForSchema(JsonNode? node, int depth)
    {
        var schema = ApiSchema.Effective.Resolve(node);
        if (schema is null || depth > 6)
        {
            return Gen.Const(NullNode);
        }

        if (schema["allOf"] is JsonArray allOf)
        {
            return allOf.Count == 1 ? ForSchema(allOf[0], depth) : ObjectFor(schema, depth);
        }

        if ((schema["oneOf"] ?? schema["anyOf"]) is JsonArray choices)
        {
            return Gen.Int[0, choices.Count - 1].SelectMany(i => ForSchema(choices[i], depth + 1));
        }

        if (schema["enum"] is JsonArray values)
        {
            return Pick(values.Select(v => v?.DeepClone()).ToArray());
        }

        var types = schema["type"] switch
        {
            JsonValue single => [(string)single!],
            JsonArray several => several.Select(t => (string)t!).ToArray(),
            _ => schema["properties"] is not null || schema["additionalProperties"] is not null ? ["object"] : ["any"],
        };
        return Pick(types).SelectMany(type => type switch
        {
            "object" => ObjectFor(schema, depth),
            "array" => Gen.Int[0, 3].SelectMany(n => ForSchema(schema["items"], depth + 1).Array[n]).Select(items => (JsonNode?)new JsonArray(items.Select(i => i?.DeepClone()).ToArray())),
            "string" => StringFor(schema),
            "integer" => Gen.Int[0, 100_000].Select(n => (JsonNode?)JsonValue.Create(n)),
            "number" => Gen.Int[0, 100_000].Select(n => (JsonNode?)JsonValue.Create(n / 4.0)),
            "boolean" => Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)),
            "null" => Gen.Const(NullNode),
            _ => Gen.String[Gen.Char.AlphaNumeric, 0, 10].Select(s => (JsonNode?)new JsonObject { ["free"] = s }),
        });
    }

    private static Gen<JsonNode?> ObjectFor(JsonObject schema, int depth)
    {
        var properties = KiotaModelJson.DeclaredProperties(schema).ToList();
        if (properties.Count == 0)
        {
            return Gen.String[Gen.Char.AlphaNumeric, 1, 8].Select(s => (JsonNode?)new JsonObject { ["extra"] = s });
        }

        var all = Gen.Const(Array.Empty<JsonNode?>());
        foreach (var property in properties)
        {
            // An absent property with a schema default reads back as that default (the generated model sets it).
            var absent = DefaultOf(property.Value)?.DeepClone();
            var value = Gen.Bool.SelectMany(present => present ? ForSchema(property.Value, depth + 1) : Gen.Const(absent))
                .Select(v => v ?? absent?.DeepClone()); // an explicit null also reads back as the default (Kiota skips nulls)
            all = all.SelectMany(values => value.Select(v => (JsonNode?[])[.. values, v]));
        }

        return all.Select(values =>
            {
                var result = new JsonObject();
                for (var i = 0; i < properties.Count; i++)
                {
                    if (values[i] is not null)
                    {
                        result[properties[i].Key] = values[i]!.DeepClone();
                    }
                }

                return (JsonNode?)result;
            });
    }

    private static JsonNode? DefaultOf(JsonNode? node)
    {
        var schema = ApiSchema.Effective.Resolve(node);
        return schema?["default"] ?? ((schema?["allOf"] ?? schema?["oneOf"] ?? schema?["anyOf"]) as JsonArray ?? []).Select(DefaultOf).FirstOrDefault(d => d is not null);
    }

    private static Gen<JsonNode?> StringFor(JsonObject schema) => (string?)schema["format"] switch
    {
        "date-time" => Gen.Long[new DateTime(2000, 1, 1).Ticks, new DateTime(2100, 1, 1).Ticks]
            .Select(t => (JsonNode?)JsonValue.Create(new DateTimeOffset(t, TimeSpan.Zero).ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture))),
        "date" => Gen.Int[0, 30000].Select(n => (JsonNode?)JsonValue.Create(new DateOnly(2000, 1, 1).AddDays(n).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))),
        "uuid" => Gen.Guid.Select(g => (JsonNode?)JsonValue.Create(g.ToString("D"))),
        _ => Gen.String.Select(s => (JsonNode?)JsonValue.Create(s)),
    };
}
