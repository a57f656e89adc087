using System.Globalization;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;
using YamlDotNet.RepresentationModel;

namespace Zapier.SchemaTool;

/// <summary>Reads a YAML document into a JSON tree, resolving plain scalars by the YAML 1.2 core schema.</summary>
internal static partial class YamlJson
{
    public static JToken Load(string path)
    {
        using var reader = new StreamReader(path);
        return Load(reader, path);
    }

    /// <summary>Reads YAML text; <paramref name="name"/> names it in error messages.</summary>
    public static JToken Load(TextReader reader, string name)
    {
        var path = name;
        var stream = new YamlStream();
        try
        {
            stream.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new SchemaToolException($"{path}:{e.Start.Line}:{e.Start.Column}: invalid YAML: {e.Message}");
        }

        if (stream.Documents.Count != 1)
        {
            throw new SchemaToolException($"{path}: expected exactly one YAML document, found {stream.Documents.Count}.");
        }

        return Convert(stream.Documents[0].RootNode, path);
    }

    private static JToken Convert(YamlNode node, string path) => node switch
    {
        YamlMappingNode map => ConvertMapping(map, path),
        YamlSequenceNode seq => new JArray(seq.Children.Select(c => Convert(c, path))),
        YamlScalarNode scalar => ConvertScalar(scalar),
        _ => throw new SchemaToolException($"{path}:{node.Start.Line}: unsupported YAML node {node.NodeType}."),
    };

    private static JObject ConvertMapping(YamlMappingNode map, string path)
    {
        var obj = new JObject();
        foreach (var (key, value) in map.Children)
        {
            var name = key is YamlScalarNode s ? s.Value ?? string.Empty
                : throw new SchemaToolException($"{path}:{key.Start.Line}: mapping keys must be scalars.");
            if (obj.ContainsKey(name))
            {
                throw new SchemaToolException($"{path}:{key.Start.Line}: duplicate key '{name}'.");
            }

            obj[name] = Convert(value, path);
        }

        return obj;
    }

    private static JToken ConvertScalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style != YamlDotNet.Core.ScalarStyle.Plain || (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value == "tag:yaml.org,2002:str"))
        {
            return new JValue(text);
        }

        return ResolvePlain(text);
    }

    /// <summary>What <paramref name="text"/> means written as a plain (unquoted) scalar: null, a boolean, a number or a string.</summary>
    public static JToken ResolvePlain(string text)
    {

        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return JValue.CreateNull();
            case "true" or "True" or "TRUE":
                return new JValue(true);
            case "false" or "False" or "FALSE":
                return new JValue(false);
        }

        if (IntPattern().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return new JValue(l);
        }

        if (FloatPattern().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return new JValue(d);
        }

        return new JValue(text);
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
