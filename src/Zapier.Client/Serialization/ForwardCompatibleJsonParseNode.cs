using System.Text.Json;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Serialization.Json;
using Zapier.Client.Errors;

namespace Zapier.Client.Serialization;

/// <summary>
/// Reads JSON into generated models without losing what the models cannot hold. Kiota's reader turns an enum value it
/// does not know into null and throws on a value of the wrong JSON type; this reader keeps both as they came, in the
/// model's <see cref="IAdditionalDataHolder.AdditionalData"/> under the property's JSON name, and leaves the typed
/// property null. Everything else is Kiota's reading.
/// At the root of a body, where nothing could keep a value of the wrong kind, a JSON kind the operation does not answer
/// (an array or a scalar where a model is expected, anything but an array where a list is) is a
/// <see cref="ZapierProtocolException"/> quoting the body instead of an empty model or list; the list pages of
/// <see cref="PageArrays"/> are read from an array of pages too.
/// </summary>
/// <param name="element">The JSON value this node reads.</param>
/// <param name="isRoot">True only for the body's root node, whose JSON kind must match what the caller reads.</param>
internal sealed class ForwardCompatibleJsonParseNode(JsonElement element, bool isRoot = false) : IParseNode
{
    private JsonParseNode? _kiotaNode;

    /// <summary>Kiota's reader of the same element, made only when a value is read through it.</summary>
    private JsonParseNode Kiota => _kiotaNode ??= new JsonParseNode(element);

    /// <summary>True when this node held a value its typed property could not take (kept raw by the parent).</summary>
    public bool Rejected { get; private set; }

    public Action<IParsable>? OnBeforeAssignFieldValues { get; set; }

    public Action<IParsable>? OnAfterAssignFieldValues { get; set; }

    public string? GetStringValue() => element.ValueKind == JsonValueKind.String ? element.GetString() : Read<string>(JsonValueKind.String, static _ => null);

    public bool? GetBoolValue()
    {
        ExpectAtRoot(element.ValueKind is JsonValueKind.True or JsonValueKind.False, "true or false");
        return element.ValueKind is JsonValueKind.True or JsonValueKind.False ? element.GetBoolean() : Reject<bool?>();
    }

    public byte? GetByteValue() => Read(JsonValueKind.Number, static k => k.GetByteValue());

    public sbyte? GetSbyteValue() => Read(JsonValueKind.Number, static k => k.GetSbyteValue());

    public int? GetIntValue() =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var value) ? value : Read<int?>(JsonValueKind.Number, static _ => null);

    public float? GetFloatValue() => Read(JsonValueKind.Number, static k => k.GetFloatValue());

    public long? GetLongValue() =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var value) ? value : Read<long?>(JsonValueKind.Number, static _ => null);

    public double? GetDoubleValue() => Read(JsonValueKind.Number, static k => k.GetDoubleValue());

    public decimal? GetDecimalValue() => Read(JsonValueKind.Number, static k => k.GetDecimalValue());

    public Guid? GetGuidValue() => Read(JsonValueKind.String, static k => k.GetGuidValue());

    public DateTimeOffset? GetDateTimeOffsetValue() => Read(JsonValueKind.String, static k => k.GetDateTimeOffsetValue());

    public TimeSpan? GetTimeSpanValue() => Read(JsonValueKind.String, static k => k.GetTimeSpanValue());

    public Date? GetDateValue() => Read(JsonValueKind.String, static k => k.GetDateValue());

    public Time? GetTimeValue() => Read(JsonValueKind.String, static k => k.GetTimeValue());

    public byte[]? GetByteArrayValue() => Read(JsonValueKind.String, static k => k.GetByteArrayValue());

    public T? GetEnumValue<T>()
        where T : struct, Enum
    {
        ExpectAtRoot(element.ValueKind == JsonValueKind.String, "a JSON string");
        if (element.ValueKind != JsonValueKind.String)
        {
            return Reject<T?>();
        }

        var value = Kiota.GetEnumValue<T>();
        if (value is { } parsed && !Enum.IsDefined(parsed))
        {
            value = null; // Kiota parses a numeric string such as "5" into an undefined member
        }

        if (value is null)
        {
            Rejected = true; // a value this client does not know: kept raw by the parent
        }

        return value;
    }

    public IEnumerable<T?> GetCollectionOfEnumValues<T>()
        where T : struct, Enum
    {
        ExpectAtRoot(element.ValueKind == JsonValueKind.Array, "a JSON array");
        if (element.ValueKind != JsonValueKind.Array)
        {
            return Reject<IEnumerable<T?>>() ?? [];
        }

        var values = element.EnumerateArray().Select(item => Child(item).GetEnumValue<T>()).ToList();
        if (values.Any(v => v is null))
        {
            Rejected = true; // the typed list shows null where the raw list (kept by the parent) has the value
        }

        return values;
    }

    public IEnumerable<T> GetCollectionOfPrimitiveValues<T>()
    {
        ExpectAtRoot(element.ValueKind == JsonValueKind.Array, "a JSON array");
        if (element.ValueKind != JsonValueKind.Array)
        {
            return Reject<IEnumerable<T>>() ?? [];
        }

        try
        {
            return Kiota.GetCollectionOfPrimitiveValues<T>().ToList();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or InvalidCastException or NullReferenceException or OverflowException or JsonException)
        {
            return Reject<IEnumerable<T>>() ?? [];
        }
    }

    public IEnumerable<T> GetCollectionOfObjectValues<T>(ParsableFactory<T> factory)
        where T : IParsable
    {
        ExpectAtRoot(element.ValueKind == JsonValueKind.Array, "a JSON array");
        if (element.ValueKind != JsonValueKind.Array)
        {
            return Reject<IEnumerable<T>>() ?? [];
        }

        return element.EnumerateArray().Select(item => Child(item).GetObjectValue(factory)).ToList();
    }

    public T GetObjectValue<T>(ParsableFactory<T> factory)
        where T : IParsable
    {
        if (typeof(T) == typeof(UntypedNode))
        {
            return Kiota.GetObjectValue(factory);
        }

        if (isRoot && element.ValueKind == JsonValueKind.Array && PageArrays.Types.Contains(typeof(T)))
        {
            return PageArrays.Flatten(element) is { } page
                ? Child(page).GetObjectValue(factory)
                : throw WrongKind($"a JSON object or an array of them ({typeof(T).Name})");
        }

        if (isRoot && element.ValueKind != JsonValueKind.Object && !typeof(IComposedTypeWrapper).IsAssignableFrom(typeof(T)))
        {
            ExpectAtRoot(matches: false, $"a JSON object ({typeof(T).Name})");
        }

        var rejectedBefore = Rejected;
        var item = factory(this);
        if (item is IComposedTypeWrapper)
        {
            Rejected = rejectedBefore; // a union's factory probes the value as a string first; that is not a rejection
        }

        OnBeforeAssignFieldValues?.Invoke(item);
        if (element.ValueKind == JsonValueKind.Object)
        {
            Assign(item);
        }
        else if (item is not IComposedTypeWrapper && element.ValueKind != JsonValueKind.Null)
        {
            Rejected = true; // an object was expected; the parent keeps the raw value
        }

        OnAfterAssignFieldValues?.Invoke(item);
        return item;
    }

    public IParseNode? GetChildNode(string identifier) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(identifier, out var child) ? Child(child) : null;

    private void Assign(IParsable item)
    {
        IDictionary<string, object>? additional = null;
        if (item is IAdditionalDataHolder holder)
        {
            additional = holder.AdditionalData ??= new Dictionary<string, object>();
        }

        var fields = item.GetFieldDeserializers();
        foreach (var property in element.EnumerateObject())
        {
            if (fields.TryGetValue(property.Name, out var read))
            {
                if (property.Value.ValueKind == JsonValueKind.Null)
                {
                    continue; // null is the typed property's default already
                }

                var child = Child(property.Value);
                read(child);
                if (child.Rejected && additional is not null)
                {
                    additional[property.Name] = Raw(property.Value)!;
                }
            }
            else if (additional is not null)
            {
                additional[property.Name] = Raw(property.Value)!; // duplicate keys: the last one wins, as for typed fields
            }
        }
    }

    private ForwardCompatibleJsonParseNode Child(JsonElement value) => new(value)
    {
        OnBeforeAssignFieldValues = OnBeforeAssignFieldValues,
        OnAfterAssignFieldValues = OnAfterAssignFieldValues,
    };

    private T? Read<T>(JsonValueKind expected, Func<JsonParseNode, T?> read)
    {
        if (element.ValueKind != expected)
        {
            ExpectAtRoot(matches: false, KindOf(expected));
            return Reject<T?>();
        }

        try
        {
            var value = read(Kiota);
            return value is null ? Reject<T?>() : value; // e.g. a string that is no GUID or date: Kiota returns null
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException or JsonException)
        {
            return Reject<T?>(); // e.g. a number too large for int, or a malformed date
        }
    }

    /// <summary>
    /// At the root, a value of another kind has no parent to keep it: reading it as null or empty would hide it, so it
    /// is an error (null stays null, as everywhere).
    /// </summary>
    private void ExpectAtRoot(bool matches, string expected)
    {
        if (isRoot && !matches && element.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
        {
            throw WrongKind(expected);
        }
    }

    private ZapierProtocolException WrongKind(string expected) =>
        new($"The response is {KindOf(element.ValueKind)} where {expected} was expected.", isRoot ? ZapierParseNodeFactory.Snippet(element.GetRawText()) : null);

    private static string KindOf(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "a JSON object",
        JsonValueKind.Array => "a JSON array",
        JsonValueKind.String => "a JSON string",
        JsonValueKind.Number => "a JSON number",
        JsonValueKind.True or JsonValueKind.False => "a JSON boolean",
        _ => "JSON " + kind.ToString().ToLowerInvariant(),
    };

    private T? Reject<T>()
    {
        if (element.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
        {
            Rejected = true;
        }

        return default;
    }

    /// <summary>A value as Kiota keeps additional data: strings as strings, anything else as an untyped node.</summary>
    private static object? Raw(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.Number when value.TryGetDecimal(out var number) => number,
        _ => new JsonParseNode(value).GetObjectValue<UntypedNode>(UntypedNode.CreateFromDiscriminatorValue),
    };
}
