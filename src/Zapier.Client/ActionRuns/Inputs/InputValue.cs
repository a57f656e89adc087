using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Kiota.Abstractions.Serialization;

namespace Zapier.Client.ActionRuns.Inputs;

/// <summary>The JSON kind an input value is sent as.</summary>
internal enum InputKind
{
    /// <summary>null, or a JSON null.</summary>
    Null,

    /// <summary>A string (or a value sent as one: a date, a GUID, an enum value).</summary>
    Text,

    /// <summary>A JSON number.</summary>
    Number,

    /// <summary>true or false.</summary>
    Boolean,

    /// <summary>A JSON array.</summary>
    List,

    /// <summary>A JSON object.</summary>
    Object,

    /// <summary>Something the client does not know how it is sent: never judged.</summary>
    Unknown,
}

/// <summary>
/// An input value as the JSON it becomes: its kind, its text for comparison with choices (texts, numbers and booleans
/// only) and, for a list, its items. Reads what <see cref="ActionRunRequest.Inputs"/> may hold: .NET values, lists,
/// dictionaries, <see cref="JsonElement"/>, <see cref="JsonNode"/> and Kiota's <see cref="UntypedNode"/>.
/// </summary>
internal readonly record struct InputValue(InputKind Kind, string? Text, IReadOnlyList<InputValue>? Items)
{
    public static InputValue Of(object? value) => value switch
    {
        null => new(InputKind.Null, null, null),
        string text => new(InputKind.Text, text, null),
        bool flag => new(InputKind.Boolean, flag ? "true" : "false", null),
        char or Guid or DateTime or DateTimeOffset or DateOnly or TimeOnly or TimeSpan or Uri or Enum =>
            new(InputKind.Text, Convert.ToString(value, CultureInfo.InvariantCulture), null),
        sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal or Half or Int128 or UInt128 =>
            new(InputKind.Number, Convert.ToString(value, CultureInfo.InvariantCulture), null),
        JsonElement element => Of(element),
        JsonNode node => Of(JsonSerializer.SerializeToElement(node)),
        UntypedNode node => Of(node),
        IDictionary or IParsable => new(InputKind.Object, null, null),
        _ when IsDictionary(value.GetType()) => new(InputKind.Object, null, null),
        IEnumerable items => new(InputKind.List, null, items.Cast<object?>().Select(Of).ToList()),
        _ => new(InputKind.Object, null, null), // Kiota writes any other object's public properties as a JSON object
    };

    /// <summary>Whether the value counts as given: not null, and not an empty or blank text.</summary>
    public bool IsGiven => Kind != InputKind.Null && !(Kind == InputKind.Text && string.IsNullOrWhiteSpace(Text));

    /// <summary>
    /// A stable text of the value for cache keys (equal values, equal keys), or null for a value this type does not
    /// keep whole (an object, something unknown), which is then never cached.
    /// </summary>
    public string? Key => Kind switch
    {
        InputKind.List => Items!.Any(i => i.Key is null) ? null : "[" + string.Join(",", Items!.Select(i => i.Key)) + "]",
        InputKind.Text => JsonSerializer.Serialize(Text),
        InputKind.Number or InputKind.Boolean or InputKind.Null => Kind + ":" + Text,
        _ => null,
    };

    private static InputValue Of(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => new(InputKind.Text, element.GetString(), null),
        JsonValueKind.Number => new(InputKind.Number, element.GetRawText(), null),
        JsonValueKind.True => new(InputKind.Boolean, "true", null),
        JsonValueKind.False => new(InputKind.Boolean, "false", null),
        JsonValueKind.Array => new(InputKind.List, null, element.EnumerateArray().Select(Of).ToList()),
        JsonValueKind.Object => new(InputKind.Object, null, null),
        _ => new(InputKind.Null, null, null),
    };

    private static InputValue Of(UntypedNode node) => node switch
    {
        UntypedString text => new(InputKind.Text, text.GetValue(), null),
        UntypedBoolean flag => new(InputKind.Boolean, flag.GetValue() ? "true" : "false", null),
        UntypedInteger number => new(InputKind.Number, number.GetValue().ToString(CultureInfo.InvariantCulture), null),
        UntypedLong number => new(InputKind.Number, number.GetValue().ToString(CultureInfo.InvariantCulture), null),
        UntypedDouble number => new(InputKind.Number, number.GetValue().ToString(CultureInfo.InvariantCulture), null),
        UntypedFloat number => new(InputKind.Number, number.GetValue().ToString(CultureInfo.InvariantCulture), null),
        UntypedDecimal number => new(InputKind.Number, number.GetValue().ToString(CultureInfo.InvariantCulture), null),
        UntypedArray array => new(InputKind.List, null, array.GetValue().Select(Of).ToList()),
        UntypedObject => new(InputKind.Object, null, null),
        UntypedNull => new(InputKind.Null, null, null),
        _ => new(InputKind.Unknown, null, null),
    };

    private static bool IsDictionary(Type type) =>
        type.GetInterfaces().Any(i => i.IsGenericType
            && (i.GetGenericTypeDefinition() == typeof(IDictionary<,>) || i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)));
}
