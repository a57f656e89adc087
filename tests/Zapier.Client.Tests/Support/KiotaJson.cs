using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Serialization.Json;

namespace Zapier.Client.Tests.Support;

/// <summary>Parses JSON into generated Kiota models and writes them back, without knowing their types statically.</summary>
internal static class KiotaJson
{
    public static IParsable Parse(Type modelType, string json)
    {
        var method = typeof(KiotaJson).GetMethod(nameof(ParseTyped), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(modelType);
        return (IParsable)method.Invoke(null, [json])!;
    }

    /// <summary>Writes a model, a list of models, or null as JSON.</summary>
    public static JsonNode? Write(object? value)
    {
        if (value is null)
        {
            return null;
        }

        using var writer = new JsonSerializationWriter();
        switch (value)
        {
            case IParsable parsable:
                writer.WriteObjectValue<IParsable>(null, parsable);
                break;
            case IEnumerable items:
                writer.WriteCollectionOfObjectValues<IParsable>(null, items.Cast<IParsable>());
                break;
            default:
                throw new NotSupportedException("Not a Kiota model: " + value.GetType());
        }

        using var stream = writer.GetSerializedContent();
        using var reader = new StreamReader(stream);
        return JsonNode.Parse(reader.ReadToEnd());
    }

    public static ParsableFactory<T> Factory<T>()
        where T : IParsable
    {
        var create = typeof(T).GetMethod("CreateFromDiscriminatorValue", BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException(typeof(T) + " has no CreateFromDiscriminatorValue.");
        return (ParsableFactory<T>)Delegate.CreateDelegate(typeof(ParsableFactory<T>), create);
    }

    private static T ParseTyped<T>(string json)
        where T : IParsable
    {
        using var document = JsonDocument.Parse(json);
        var node = new JsonParseNode(document.RootElement.Clone());
        return node.GetObjectValue(Factory<T>())!;
    }
}
