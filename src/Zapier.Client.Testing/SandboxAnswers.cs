using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.Types;
using WireMock.Util;

namespace Zapier.Client.Testing;

/// <summary>Builds the sandbox's answers: JSON bodies in the shapes of the effective schema, and WireMock messages.</summary>
internal static class SandboxAnswers
{
    public static ResponseMessage Json(int status, JsonNode body, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var message = new ResponseMessage
        {
            StatusCode = status,
            Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
            BodyData = new BodyData { BodyAsBytes = Encoding.UTF8.GetBytes(body.ToJsonString()), DetectedBodyType = BodyType.Bytes },
        };
        foreach (var (name, value) in headers ?? [])
        {
            message.Headers[name] = new WireMockList<string>(value);
        }

        return message;
    }

    /// <summary>An <c>ErrorResponse</c>: <c>{"errors":[{status, code, title, detail, source: null, meta}]}</c>.</summary>
    public static JsonObject ErrorBody(int status, string code, string title, string detail) =>
        new()
        {
            ["errors"] = new JsonArray(new JsonObject
            {
                ["status"] = status,
                ["code"] = code,
                ["title"] = title,
                ["detail"] = detail,
                ["source"] = null,
                ["meta"] = new JsonObject { ["source"] = "ZAPIER", ["full_details"] = new JsonObject { ["message"] = detail, ["code"] = code } },
            }),
        };

    public static ResponseMessage Error(int status, string code, string title, string detail, IEnumerable<KeyValuePair<string, string>>? headers = null) =>
        Json(status, ErrorBody(status, code, title, detail), headers);

    public static ResponseMessage Fault(SandboxFault fault, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var all = new List<KeyValuePair<string, string>>(headers ?? []);
        if (fault.RetryAfter is { } retryAfter)
        {
            all.Add(new("Retry-After", Seconds(retryAfter)));
        }

        return Error(fault.Status, fault.Code, fault.Title, fault.Detail, all);
    }

    /// <summary><c>RunActionResponse</c>: the id of the run a create made.</summary>
    public static JsonObject Created(string runId) => new() { ["data"] = new JsonObject { ["type"] = "run", ["id"] = runId } };

    /// <summary><c>ActionRunResponse</c> for a poll; with <paramref name="runId"/> it is the body of a callback, which adds the id.</summary>
    public static JsonObject Run(ScriptStep step, string? runId = null)
    {
        var data = new JsonObject { ["type"] = "run" };
        if (runId is not null)
        {
            data["id"] = runId;
        }

        data["status"] = step.RunStatus;
        data["results"] = new JsonArray([.. step.Results.Select(r => (JsonNode)r.DeepClone())]);
        data["errors"] = new JsonArray([.. step.Errors.Select(e => (JsonNode)e.ToJson())]);
        return new JsonObject { ["data"] = data };
    }

    public static JsonObject App(SandboxApp app, Uri baseUrl)
    {
        var image = new Uri(baseUrl, $"/images/{app.Key}.png").AbsoluteUri;
        return new JsonObject
        {
            ["id"] = app.Id.ToString(),
            ["type"] = "app",
            ["title"] = app.Title,
            ["description"] = $"{app.Title}, an app of the Zapier.Client sandbox.",
            ["image"] = image,
            ["hex_color"] = "FF4F00",
            ["action_types"] = new JsonArray("READ", "WRITE"),
            ["categories"] = new JsonArray(new JsonObject { ["slug"] = "developer-tools" }),
            ["images"] = new JsonObject
            {
                ["url_16x16"] = image,
                ["url_32x32"] = image,
                ["url_64x64"] = image,
                ["url_128x128"] = image,
            },
            ["links"] = new JsonObject { ["connect_new_authentication"] = new Uri(baseUrl, $"/engine/auth/start/{app.Key}").AbsoluteUri },
        };
    }

    public static JsonObject Action(SandboxAction action) =>
        new()
        {
            ["id"] = action.Id,
            ["key"] = action.Id.Contains(':', StringComparison.Ordinal) ? action.Id[(action.Id.IndexOf(':', StringComparison.Ordinal) + 1)..] : action.Id,
            ["app"] = action.App.Id.ToString(),
            ["type"] = "action",
            ["action_type"] = ActionTypeText(action),
            ["is_instant"] = false,
            ["title"] = action.Title,
            ["description"] = action.Description,
        };

    public static string ActionTypeText(SandboxAction action) => action.Type switch
    {
        Generated.Models.ActionType.Read => "READ",
        Generated.Models.ActionType.ReadBulk => "READ_BULK",
        Generated.Models.ActionType.Search => "SEARCH",
        Generated.Models.ActionType.SearchAndWrite => "SEARCH_AND_WRITE",
        Generated.Models.ActionType.SearchOrWrite => "SEARCH_OR_WRITE",
        _ => "WRITE",
    };

    public static JsonObject Authentication(SandboxAuthentication authentication) =>
        new()
        {
            ["type"] = "authentication",
            ["id"] = authentication.Id,
            ["app"] = authentication.App.Id.ToString(),
            ["is_expired"] = authentication.IsExpired,
            ["title"] = authentication.Title,
        };

    /// <summary>A list page: <c>{links: {next, prev}, meta: {count, limit, offset}, data: [...]}</c> with absolute links.</summary>
    public static JsonObject Page(IReadOnlyList<JsonObject> all, int limit, int offset, Uri requestUrl)
    {
        var page = all.Skip(offset).Take(limit).Select(i => (JsonNode)i).ToArray();
        string? Link(int at) => new UriBuilder(requestUrl) { Query = WithPaging(requestUrl.Query, limit, at) }.Uri.AbsoluteUri;
        return new JsonObject
        {
            ["links"] = new JsonObject
            {
                ["next"] = offset + limit < all.Count ? Link(offset + limit) : null,
                ["prev"] = offset > 0 ? Link(Math.Max(0, offset - limit)) : null,
            },
            ["meta"] = new JsonObject { ["count"] = all.Count, ["limit"] = limit, ["offset"] = offset },
            ["data"] = new JsonArray(page),
        };
    }

    public static string Seconds(TimeSpan delay) =>
        ((long)Math.Ceiling(Math.Max(0, delay.TotalSeconds))).ToString(CultureInfo.InvariantCulture);

    private static string WithPaging(string query, int limit, int offset)
    {
        var kept = query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.StartsWith("limit=", StringComparison.Ordinal) && !p.StartsWith("offset=", StringComparison.Ordinal));
        return string.Join('&', kept.Append("limit=" + limit.ToString(CultureInfo.InvariantCulture)).Append("offset=" + offset.ToString(CultureInfo.InvariantCulture)));
    }
}
