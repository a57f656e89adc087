using System.Reflection;
using System.Text.Json;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Serialization.Json;

namespace Zapier.Client.Tests.Support;

/// <summary>Parses JSON into generated Kiota models without knowing their types statically.</summary>
internal static class KiotaJson
{
    public static IParsable Parse(Type modelType, string json)
    {
        var method = typeof(KiotaJson).GetMethod(nameof(ParseTyped), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(modelType);
        return (IParsable)method.Invoke(null, [json])!;
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
