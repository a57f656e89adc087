using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Zapier.Client.Tests.Support;

/// <summary>
/// Compares two JSON documents by meaning: properties whose value is null count as absent (Kiota omits them),
/// numbers compare by value, and ISO date-times compare as instants (serializers format them differently).
/// </summary>
internal static partial class JsonDiff
{
    /// <summary>The JSON path of the first difference, with both values, or null when the documents agree.</summary>
    public static string? FirstDifference(JsonNode? expected, JsonNode? actual, string path = "$")
    {
        switch (expected)
        {
            case null:
                return actual is null ? null : $"{path}: expected nothing, got {Show(actual)}";
            case JsonObject e when actual is JsonObject a:
                foreach (var key in e.Where(p => p.Value is not null).Select(p => p.Key)
                             .Union(a.Where(p => p.Value is not null).Select(p => p.Key)).Order(StringComparer.Ordinal))
                {
                    if (FirstDifference(e[key], a[key], $"{path}.{key}") is { } difference)
                    {
                        return difference;
                    }
                }

                return null;
            case JsonArray e when actual is JsonArray a:
                if (e.Count != a.Count)
                {
                    return $"{path}: expected {e.Count} items, got {a.Count}";
                }

                for (var i = 0; i < e.Count; i++)
                {
                    if (FirstDifference(e[i], a[i], $"{path}[{i}]") is { } difference)
                    {
                        return difference;
                    }
                }

                return null;
            case JsonValue e when actual is JsonValue a:
                return SameScalar(e, a) ? null : $"{path}: expected {Show(e)}, got {Show(a)}";
            default:
                return $"{path}: expected {Show(expected)}, got {Show(actual)}";
        }
    }

    private static bool SameScalar(JsonValue expected, JsonValue actual)
    {
        var e = expected.GetValueKind();
        var a = actual.GetValueKind();
        if (e == System.Text.Json.JsonValueKind.Number && a == System.Text.Json.JsonValueKind.Number)
        {
            return decimal.Parse(expected.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)
                == decimal.Parse(actual.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        if (e == System.Text.Json.JsonValueKind.String && a == System.Text.Json.JsonValueKind.String)
        {
            var x = (string)expected!;
            var y = (string)actual!;
            if (x == y)
            {
                return true;
            }

            return IsoDateTime().IsMatch(x) && IsoDateTime().IsMatch(y)
                && DateTimeOffset.Parse(x, CultureInfo.InvariantCulture) == DateTimeOffset.Parse(y, CultureInfo.InvariantCulture);
        }

        return e == a && expected.ToJsonString() == actual.ToJsonString();
    }

    private static string Show(JsonNode? node) => node?.ToJsonString() ?? "null";

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")]
    private static partial Regex IsoDateTime();
}
