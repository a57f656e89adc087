using System.Collections.Concurrent;
using System.Text;
using Microsoft.Kiota.Abstractions;

namespace Zapier.Client.Http;

/// <summary>Looks up the schema operation a Kiota request belongs to (the table itself is written by the build).</summary>
internal static partial class OperationCatalog
{

    // Generated request builders pass the same template strings on every call: look each up once.
    private static readonly ConcurrentDictionary<(Method Method, string Template), OperationEntry?> Known = new();

    /// <summary>The operation of a Kiota request (remembered per method and URL template).</summary>
    public static OperationEntry? Find(RequestInformation request)
    {
        var key = (request.HttpMethod, request.UrlTemplate ?? string.Empty);
        return Known.TryGetValue(key, out var entry) ? entry : Known.GetOrAdd(key, static k => Find(MethodName(k.Method), k.Template));
    }

    /// <summary>The method's name without allocating (Enum.ToString would, on every call).</summary>
    public static string MethodName(Method method) => method switch
    {
        Method.GET => "GET",
        Method.POST => "POST",
        Method.PUT => "PUT",
        Method.PATCH => "PATCH",
        Method.DELETE => "DELETE",
        Method.HEAD => "HEAD",
        Method.OPTIONS => "OPTIONS",
        Method.TRACE => "TRACE",
        Method.CONNECT => "CONNECT",
        _ => method.ToString(),
    };

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
        // A plain dictionary: each key is looked up once per template (see Known), so building a frozen one would
        // cost the first call more than it ever saves.
        public static readonly Dictionary<string, OperationEntry> ByShape =
            All.ToDictionary(e => e.Method + " " + e.Shape, StringComparer.Ordinal);
    }
}
