using System.Collections.Frozen;
using System.Text;

namespace Zapier.Client.Http;

/// <summary>Looks up the schema operation a Kiota request belongs to (the table itself is written by the build).</summary>
internal static partial class OperationCatalog
{

    /// <summary>Finds the operation for a method and a Kiota URL template such as <c>{+baseurl}/v2/apps{?limit*}</c>.</summary>
    public static OperationEntry? Find(string method, string urlTemplate)
    {
        var path = urlTemplate;
        const string BaseUrl = "{+baseurl}";
        if (path.StartsWith(BaseUrl, StringComparison.Ordinal))
        {
            path = path[BaseUrl.Length..];
        }

        // Optional query parameters come as {?a*,b*} or {&a*}, required ones as a literal ?name={name}.
        var query = path.IndexOfAny(['?', '&']);
        if (query >= 0)
        {
            path = path[..(query > 0 && path[query - 1] == '{' ? query - 1 : query)];
        }

        return Index.ByShape.GetValueOrDefault(method + " " + ShapeOf(path));
    }

    /// <summary>Replaces every <c>{name}</c> with <c>{}</c> and drops a trailing slash.</summary>
    public static string ShapeOf(string pathTemplate)
    {
        var shape = new StringBuilder(pathTemplate.Length);
        var inParameter = false;
        foreach (var c in pathTemplate)
        {
            if (c == '{')
            {
                inParameter = true;
                shape.Append("{}");
            }
            else if (c == '}')
            {
                inParameter = false;
            }
            else if (!inParameter)
            {
                shape.Append(c);
            }
        }

        return shape.Length > 1 && shape[^1] == '/' ? shape.ToString(0, shape.Length - 1) : shape.ToString();
    }

    // A nested class so the index is built after the generated table (static initialisers across partial files have no order).
    private static class Index
    {
        public static readonly FrozenDictionary<string, OperationEntry> ByShape =
            All.ToFrozenDictionary(e => e.Method + " " + e.Shape, StringComparer.Ordinal);
    }
}
