using System.Globalization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Zapier.SchemaTool;

/// <summary>
/// Takes a downloaded schema into <c>openapi/partner-api.yaml</c>: YAML as it came (byte for byte), JSON converted to
/// YAML. Either must be an OpenAPI 3 document with paths; the conversion is checked by reading it back.
/// </summary>
internal static class SchemaImport
{
    /// <summary>Writes <paramref name="from"/> to <paramref name="to"/>; returns false when <paramref name="to"/> already held it.</summary>
    public static bool Import(string from, string to)
    {
        var text = File.ReadAllText(from);
        JToken document;
        if (text.TrimStart().StartsWith('{'))
        {
            try
            {
                using var reader = new JsonTextReader(new StringReader(text)) { DateParseHandling = DateParseHandling.None };
                document = JToken.ReadFrom(reader);
            }
            catch (JsonReaderException e)
            {
                throw new SchemaToolException($"{from}: invalid JSON: {e.Message}");
            }

            text = ToYaml(document);
            if (!JToken.DeepEquals(YamlJson.Load(new StringReader(text), from + " (as YAML)"), document))
            {
                throw new SchemaToolException($"{from}: converting it to YAML changed its content; convert it by hand.");
            }
        }
        else
        {
            document = YamlJson.Load(new StringReader(text), from);
        }

        if (document["openapi"]?.Type != JTokenType.String || !document.Value<string>("openapi")!.StartsWith("3.", StringComparison.Ordinal)
            || document["paths"] is not JObject)
        {
            throw new SchemaToolException($"{from}: not an OpenAPI 3 document (needs 'openapi: 3.x' and 'paths').");
        }

        if (File.Exists(to) && File.ReadAllText(to) == text)
        {
            return false;
        }

        File.WriteAllText(to, text);
        return true;
    }

    /// <summary>Block-style YAML for a JSON tree; strings that would read as another type unquoted are quoted.</summary>
    public static string ToYaml(JToken document)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(Node(document))).Save(writer, assignAnchors: false);
        var text = writer.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    private static YamlNode Node(JToken token) => token switch
    {
        JObject map => new YamlMappingNode(map.Properties().Select(p => new KeyValuePair<YamlNode, YamlNode>(Text(p.Name), Node(p.Value)))),
        JArray list => new YamlSequenceNode(list.Select(Node)),
        JValue { Type: JTokenType.Null } => new YamlScalarNode("null") { Style = ScalarStyle.Plain },
        JValue { Type: JTokenType.Boolean } value => new YamlScalarNode((bool)value ? "true" : "false") { Style = ScalarStyle.Plain },
        JValue { Type: JTokenType.Integer or JTokenType.Float } value =>
            new YamlScalarNode(Convert.ToString(value.Value, CultureInfo.InvariantCulture)) { Style = ScalarStyle.Plain },
        JValue value => Text(Convert.ToString(value.Value, CultureInfo.InvariantCulture) ?? string.Empty),
        _ => throw new SchemaToolException($"Cannot write {token.Type} at {token.Path} as YAML."),
    };

    private static YamlScalarNode Text(string text) => new(text)
    {
        Style = text.Contains('\n', StringComparison.Ordinal) ? ScalarStyle.Literal
            : YamlJson.ResolvePlain(text).Type == JTokenType.String ? ScalarStyle.Plain
            : ScalarStyle.DoubleQuoted,
    };
}
