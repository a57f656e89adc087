using System.Text.Json;

namespace Zapier.Cli;

/// <summary>Builds an action run's inputs from <c>--inputs-json FILE</c> and <c>--input key=value</c> (which win).</summary>
internal static class Inputs
{
    /// <summary>The inputs, or a <see cref="UsageException"/> naming what is wrong (never quoting a value).</summary>
    public static Dictionary<string, object?> Read(string? jsonFile, IEnumerable<string> pairs)
    {
        var inputs = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (jsonFile is not null)
        {
            JsonElement root;
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllText(jsonFile));
                root = document.RootElement.Clone();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"Cannot read --inputs-json file '{jsonFile}': {e.Message}");
            }
            catch (JsonException e)
            {
                throw new UsageException($"--inputs-json file '{jsonFile}' is not valid JSON (line {e.LineNumber + 1}).");
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new UsageException($"--inputs-json file '{jsonFile}' must hold a JSON object of input values by field key.");
            }

            foreach (var property in root.EnumerateObject())
            {
                inputs[property.Name] = ToValue(property.Value);
            }
        }

        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UsageException($"--input takes key=value; '{(equals < 0 ? pair : "=...")}' has no key.");
            }

            inputs[pair[..equals]] = pair[(equals + 1)..];
        }

        return inputs;
    }

    /// <summary>JSON to the values <c>ActionRunRequest.Inputs</c> takes: strings, numbers, booleans, lists, dictionaries.</summary>
    private static object? ToValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetInt64(out var whole) ? whole : value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => value.EnumerateArray().Select(ToValue).ToList(),
        JsonValueKind.Object => value.EnumerateObject().ToDictionary(p => p.Name, p => ToValue(p.Value)),
        _ => null,
    };
}
