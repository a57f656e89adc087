using System.Text;
using Newtonsoft.Json.Linq;

namespace Zapier.SchemaTool;

/// <summary>
/// Finds component schemas that the client generator would fold into one class. Kiota drops leading underscores and
/// other symbols and capitalises the rest, so <c>_ActionRunResponse</c> and <c>ActionRunResponse</c> would become one
/// type and silently lose the fields of one of them.
/// </summary>
internal static class NameCollisions
{
    public static IReadOnlyList<IReadOnlyList<string>> Find(JToken schema)
    {
        if (schema.SelectToken("$.components.schemas") is not JObject schemas)
        {
            return [];
        }

        return schemas.Properties()
            .GroupBy(p => ClassKey(p.Name), StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => (IReadOnlyList<string>)g.Select(p => p.Name).ToList())
            .ToList();
    }

    /// <summary>The generated class name a schema name maps to, compared without case.</summary>
    public static string ClassKey(string schemaName)
    {
        var key = new StringBuilder(schemaName.Length);
        foreach (var c in schemaName.Where(char.IsLetterOrDigit))
        {
            key.Append(char.ToUpperInvariant(c));
        }

        return key.ToString();
    }
}
