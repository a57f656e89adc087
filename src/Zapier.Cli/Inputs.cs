using System.Text.Json;

namespace Zapier.Cli;

/// <summary>Builds an action run's inputs from <c>--inputs-json FILE</c> and <c>--input key=value</c> (which win).</summary>
internal static class Inputs
{
    /// <summary>
    /// The inputs, or a <see cref="UsageException"/> naming what is wrong (never quoting a value). A key given twice
    /// keeps its last value.
    /// </summary>
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

            foreach (var (key, value) in Properties(root, jsonFile, path: null))
            {
                inputs[key] = ToValue(value, key, jsonFile);
            }
        }

        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                // No '=', so no value to keep secret: the argument is all key.
                throw new UsageException($"--input needs key=value; '{pair}' has no '='.");
            }

            if (equals == 0)
            {
                throw new UsageException("--input needs key=value; '=...' has an empty key.");
            }

            inputs[pair[..equals]] = pair[(equals + 1)..];
        }

        return inputs;
    }

    /// <summary>An object's properties; an empty key (which Zapier's inputs cannot carry) is a usage error.</summary>
    private static IEnumerable<(string Key, JsonElement Value)> Properties(JsonElement value, string file, string? path)
    {
        foreach (var property in value.EnumerateObject())
        {
            if (property.Name.Length == 0)
            {
                throw new UsageException(
                    $"--inputs-json file '{file}' has an input with an empty key{(path is null ? "" : $" in '{path}'")}.");
            }

            yield return (property.Name, property.Value);
        }
    }

    /// <summary>JSON to the values <c>ActionRunRequest.Inputs</c> takes: strings, numbers, booleans, lists, dictionaries.</summary>
    private static object? ToValue(JsonElement value, string path, string file) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetInt64(out var whole) ? whole
            : value.TryGetDouble(out var number) && double.IsFinite(number) ? number
            : throw new UsageException($"--inputs-json file '{file}' has a number out of range at '{path}'."),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => value.EnumerateArray().Select((item, i) => ToValue(item, $"{path}[{i}]", file)).ToList(),
        JsonValueKind.Object => Properties(value, file, path).ToDictionary(p => p.Key, p => ToValue(p.Value, $"{path}.{p.Key}", file)),
        _ => null,
    };
}
