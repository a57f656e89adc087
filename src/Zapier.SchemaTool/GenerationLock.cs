using System.Security.Cryptography;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Zapier.SchemaTool;

/// <summary>
/// The record at the repository root (<c>kiota-lock.json</c>) that says which generator, options and effective schema
/// produced <c>generated/</c>, and a hash of what is in it. The build regenerates only when either side changed.
/// </summary>
internal sealed record GenerationLock(
    string GeneratorVersion,
    IReadOnlyDictionary<string, string> Options,
    string SchemaPath,
    string CorrectionsPath,
    string EffectiveSchemaSha256,
    string InputSha256,
    string? KiotaDescriptionHash,
    string OutputSha256,
    int OutputFiles)
{
    public static GenerationLock? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var json = JObject.Parse(File.ReadAllText(path));
        return new GenerationLock(
            json.Value<string>("generatorVersion") ?? string.Empty,
            json["options"]?.ToObject<Dictionary<string, string>>() ?? [],
            json.Value<string>("schema") ?? string.Empty,
            json.Value<string>("corrections") ?? string.Empty,
            json.Value<string>("effectiveSchemaSha256") ?? string.Empty,
            json.Value<string>("inputSha256") ?? string.Empty,
            json.Value<string>("kiotaDescriptionHash"),
            json.Value<string>("outputSha256") ?? string.Empty,
            json.Value<int?>("outputFiles") ?? 0);
    }

    public string Render()
    {
        var json = new JObject
        {
            ["comment"] = "Written by the build (src/Zapier.SchemaTool). generated/ is regenerated when inputSha256 or outputSha256 no longer match.",
            ["generator"] = "Microsoft.OpenApi.Kiota",
            ["generatorVersion"] = GeneratorVersion,
            ["schema"] = SchemaPath,
            ["corrections"] = CorrectionsPath,
            ["options"] = JObject.FromObject(Options.OrderBy(o => o.Key, StringComparer.Ordinal).ToDictionary(o => o.Key, o => o.Value)),
            ["effectiveSchemaSha256"] = EffectiveSchemaSha256,
            ["inputSha256"] = InputSha256,
            ["kiotaDescriptionHash"] = KiotaDescriptionHash,
            ["outputSha256"] = OutputSha256,
            ["outputFiles"] = OutputFiles,
        };
        return json.ToString(Formatting.Indented).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
    }

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Hash of every file under <paramref name="folder"/> (path and bytes), ignoring generator logs.</summary>
    public static (string Hash, int Count) HashFolder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return (string.Empty, 0);
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).Equals(".kiota.log", StringComparison.Ordinal))
            .Select(f => (Full: f, Relative: Path.GetRelativePath(folder, f).Replace('\\', '/')))
            .OrderBy(f => f.Relative, StringComparer.Ordinal)
            .ToList();
        foreach (var (full, relative) in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(relative + "\n"));
            hash.AppendData(File.ReadAllBytes(full));
            hash.AppendData("\n"u8);
        }

        return (Convert.ToHexStringLower(hash.GetHashAndReset()), files.Count);
    }
}
