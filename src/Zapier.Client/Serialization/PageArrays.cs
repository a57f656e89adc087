using System.Text.Json;
using System.Text.Json.Nodes;
using Zapier.Client.Generated.Models;

namespace Zapier.Client.Serialization;

/// <summary>
/// The list responses Zapier's published schema declares as an array of pages while its guides show one page object
/// (openapi/README.md, "List envelopes"). Which form the server sends is not documented beyond doubt, so both are read:
/// an array of pages becomes one page holding the items of every page.
/// </summary>
internal static class PageArrays
{
    /// <summary>The generated page types that may arrive as an array of pages.</summary>
    public static readonly HashSet<Type> Types = new[]
    {
        typeof(AppsResponse), typeof(CategoriesResponse), typeof(ZapsResponse), typeof(ActionsResponse), typeof(ChoiceResponse),
        typeof(ExpandedAppsResponse), typeof(WhitelabelAppsResponse), typeof(ZapRunsResponse), typeof(ExpandedZapsResponse),
    }.ToHashSet();

    /// <summary>
    /// One page from an array of pages: array members (the items: <c>data</c> or <c>objects</c>) are concatenated in
    /// page order; any other member (links, meta, counts, next URLs) is taken from the last page that has it, as it
    /// describes where the listing goes on. Null when an entry of the array is not a page object.
    /// </summary>
    public static JsonElement? Flatten(JsonElement pages)
    {
        var merged = new JsonObject();
        foreach (var page in pages.EnumerateArray())
        {
            if (page.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var members = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var member in page.EnumerateObject())
            {
                members[member.Name] = member.Value; // a key repeated within a page: the last one wins, as elsewhere
            }

            foreach (var (name, element) in members)
            {
                var value = JsonNode.Parse(element.GetRawText());
                if (merged[name] is JsonArray items && value is JsonArray more)
                {
                    foreach (var item in more.ToList())
                    {
                        more.Remove(item);
                        items.Add(item);
                    }
                }
                else
                {
                    merged[name] = value;
                }
            }
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            merged.WriteTo(writer);
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }
}
