using Newtonsoft.Json.Linq;

namespace Zapier.SchemaTool;

/// <summary>
/// Turns a schema into the form of Zapier's published document (https://api.zapier.com/schema, as the docs.zapier.com
/// reference pages embed it): no <c>callback_url</c> in <c>_RunActionRequest</c>, and the v1 operations' error answers
/// as open objects instead of <c>ErrorResponse</c>. The client must build from that form with the corrections
/// (CI: <c>build.ps1 -Target CheckPublishedSchema</c>). Already published-form parts are left as they are.
/// </summary>
internal static class PublishedForm
{
    public static readonly string[] V1Paths = ["/v1/apps", "/v1/categories", "/v1/profiles/me", "/v1/zap-templates", "/v1/zaps"];

    public static readonly string[] V1ErrorStatuses = ["401", "403", "409", "429", "503", "504"];

    /// <summary>Rewrites <paramref name="schema"/> in place; returns what it changed, one line per kind of change.</summary>
    public static IReadOnlyList<string> Derive(JToken schema)
    {
        var changes = new List<string>();
        if (schema.SelectToken("$.components.schemas._RunActionRequest") is JObject request)
        {
            if (request["properties"] is JObject properties && properties.Remove("callback_url"))
            {
                changes.Add("removed _RunActionRequest.properties.callback_url");
            }

            if (request["required"] is JArray required && required.FirstOrDefault(r => r.Value<string>() == "callback_url") is { } entry)
            {
                entry.Remove();
                changes.Add("removed callback_url from _RunActionRequest.required");
            }
        }

        var opened = 0;
        foreach (var path in V1Paths)
        {
            foreach (var status in V1ErrorStatuses)
            {
                if (schema["paths"]?[path]?["get"]?["responses"]?[status]?["content"]?["application/json"] is JObject media
                    && media["schema"] is JObject errorSchema && !IsOpenObject(errorSchema))
                {
                    media["schema"] = new JObject { ["type"] = "object", ["additionalProperties"] = new JObject() };
                    opened++;
                }
            }
        }

        if (opened > 0)
        {
            changes.Add($"opened {opened} v1 error answers (schema: type object, additionalProperties {{}})");
        }

        return changes;
    }

    private static bool IsOpenObject(JObject schema) =>
        schema.Properties().Count() == 2 && schema.Value<string>("type") == "object" && schema["additionalProperties"] is JObject { Count: 0 };
}
