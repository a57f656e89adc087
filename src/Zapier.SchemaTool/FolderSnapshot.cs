using System.Security.Cryptography;
using Newtonsoft.Json.Linq;

namespace Zapier.SchemaTool;

/// <summary>The files of a folder and a hash of each, saved before a refresh to say afterwards what it changed.</summary>
internal static class FolderSnapshot
{
    /// <summary>Relative path (with '/') to the SHA-256 of the file's bytes, for every file under <paramref name="folder"/>.</summary>
    public static SortedDictionary<string, string> Take(string folder)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(folder))
        {
            return files;
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            files[Path.GetRelativePath(folder, file).Replace('\\', '/')] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));
        }

        return files;
    }

    public static void Save(SortedDictionary<string, string> snapshot, string path) =>
        File.WriteAllText(path, new JObject(snapshot.Select(f => new JProperty(f.Key, f.Value))).ToString());

    public static SortedDictionary<string, string> Load(string path) =>
        new(JObject.Parse(File.ReadAllText(path)).Properties().ToDictionary(p => p.Name, p => (string)p.Value!), StringComparer.Ordinal);

    public static FolderChanges Compare(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after) => new(
        after.Keys.Where(f => !before.ContainsKey(f)).Order(StringComparer.Ordinal).ToList(),
        before.Keys.Where(f => !after.ContainsKey(f)).Order(StringComparer.Ordinal).ToList(),
        after.Keys.Where(f => before.TryGetValue(f, out var hash) && hash != after[f]).Order(StringComparer.Ordinal).ToList());
}

/// <summary>Files added, removed and changed between two snapshots of a folder.</summary>
internal sealed record FolderChanges(IReadOnlyList<string> Added, IReadOnlyList<string> Removed, IReadOnlyList<string> Changed);
