using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using WireMock;

namespace Zapier.Client.Testing;

public sealed partial class ZapierSandbox
{
    private const string RunsPath = "/v2/action-runs";

    /// <summary>Stands for "hold this request"; never sent.</summary>
    private static readonly ResponseMessage Held = new() { StatusCode = 503 };

    /// <summary>Answers one request, holding it first when a <see cref="SandboxFault.NoAnswer"/> fault says so.</summary>
    private async Task<IResponseMessage> AnswerAsync(IRequestMessage request)
    {
        var aborted = CurrentRequest.Value?.RequestAborted ?? CancellationToken.None;
        var answer = Answer(request);
        if (!ReferenceEquals(answer, Held))
        {
            return answer;
        }

        try
        {
            await _released.Task.WaitAsync(aborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client gave up on the request; nobody reads what follows.
        }

        return SandboxAnswers.Error(503, "unavailable", "ServiceUnavailable", "The sandbox held this request without an answer.");
    }

    /// <summary>Answers one request: the JWKS, else rate limit, bearer, then the route.</summary>
    private ResponseMessage Answer(IRequestMessage request)
    {
        var at = _options.TimeProvider.GetUtcNow();
        var url = new Uri(request.Url);
        var path = request.Path.Length > 1 ? request.Path.TrimEnd('/') : request.Path;
        var authorized = request.Headers is { } headers && headers.TryGetValue("Authorization", out var values)
            && values.Count == 1 && values[0] == "Bearer " + AccessToken;

        int status;
        ResponseMessage answer;
        if (request.Method == "GET" && path == JwksPath)
        {
            answer = SandboxAnswers.Json(200, Jwks());
            status = 200;
        }
        else
        {
            (answer, status) = Route(request, url, path, authorized, at);
        }

        Journal.Add(new SandboxRequest(request.Method, path, url.Query, authorized, status, at));
        return answer;
    }

    private (ResponseMessage Answer, int Status) Route(IRequestMessage request, Uri url, string path, bool authorized, DateTimeOffset at)
    {
        var limit = _rateLimit?.Take();
        var headers = limit?.Headers ?? [];
        if (limit is { Refused: true })
        {
            return (SandboxAnswers.Error(429, "throttled", "Throttled", "Rate limit exceeded: try again after the cool-down.", headers), 429);
        }

        if (!authorized)
        {
            return (SandboxAnswers.Error(401, "not_authenticated", "NotAuthenticated", "Authentication credentials were not provided or are not valid.", headers), 401);
        }

        var query = QueryHelpers.ParseQuery(url.Query);
        string? Query(string name) => query.TryGetValue(name, out var v) && v.Count > 0 ? v[^1] : null;

        return (request.Method, path) switch
        {
            ("POST", RunsPath) => Create(request.Body, headers, at),
            ("GET", _) when path.StartsWith(RunsPath + "/", StringComparison.Ordinal) && path.IndexOf('/', RunsPath.Length + 1) < 0 =>
                Poll(WebUtility.UrlDecode(path[(RunsPath.Length + 1)..]), headers, at),
            ("GET", "/v2/apps") => List(url, headers, Query, ListApps),
            ("GET", "/v2/actions") => List(url, headers, Query, ListActions),
            ("GET", "/v2/authentications") => List(url, headers, Query, ListAuthentications),
            _ => Answered(SandboxAnswers.Error(404, "not_found", "NotFound", $"The sandbox does not serve {request.Method} {path}.", headers)),
        };
    }

    private (ResponseMessage, int) Create(string? body, IEnumerable<KeyValuePair<string, string>> headers, DateTimeOffset at)
    {
        JsonObject? data;
        try
        {
            data = (body is null ? null : JsonNode.Parse(body) as JsonObject)?["data"] as JsonObject;
        }
        catch (JsonException)
        {
            return BadRequest("Malformed request.", headers);
        }

        if (data is null)
        {
            return BadRequest("The body needs a data object.", headers);
        }

        if (data["action"] is not JsonValue actionValue || !actionValue.TryGetValue<string>(out var actionId))
        {
            return BadRequest("data.action is required: the id of the action to run.", headers);
        }

        if (!data.ContainsKey("authentication") || data["authentication"] is { } auth && (auth is not JsonValue authValue || !authValue.TryGetValue<string>(out _)))
        {
            return BadRequest("data.authentication is required: an authentication id, or null for an action that needs none.", headers);
        }

        var authentication = (string?)data["authentication"];
        var inputs = data["inputs"] as JsonObject;
        string? callback = null;
        if (data["callback_url"] is { } callbackNode)
        {
            callback = callbackNode is JsonValue v && v.TryGetValue<string>(out var text) ? text : callbackNode.ToJsonString();
        }

        (ResponseMessage Answer, int Status, string? RunId) outcome = Decide(actionId, authentication, inputs, callback, headers);
        Journal.Add(new SandboxCreate(actionId, authentication, (JsonObject?)inputs?.DeepClone() ?? [], callback, outcome.Status, outcome.RunId, at));
        return (outcome.Answer, outcome.Status);
    }

    private (ResponseMessage, int, string?) Decide(string actionId, string? authentication, JsonObject? inputs, string? callback, IEnumerable<KeyValuePair<string, string>> headers)
    {
        if (inputs is null)
        {
            return Refused(BadRequest("data.inputs is required: an object of input values (empty for none).", headers));
        }

        Uri? callbackUrl = null;
        if (callback is not null && CallbackUrlProblem(callback, out callbackUrl) is { } problem)
        {
            return Refused(BadRequest("data.callback_url " + problem, headers));
        }

        if (FindAction(actionId) is not { } action)
        {
            return Refused(NotFound($"No action '{actionId}'.", headers));
        }

        if (authentication is not null && !Authentications.Any(a => a.Id == authentication && a.App == action.App))
        {
            return Refused(NotFound($"No authentication '{authentication}' for the app of '{actionId}'.", headers));
        }

        if (action.Script.TakeCreateFault() is { } fault)
        {
            var (faulted, faultStatus) = Answer(fault, headers);
            return (faulted, faultStatus, null);
        }

        var run = new SandboxRun(Guid.NewGuid().ToString(), action, callbackUrl);
        _runs[run.Id] = run;
        if (callbackUrl is not null && _options.SendCallbacks && _options.CallbackAddress is not null)
        {
            ScheduleCallback(run);
        }

        return (SandboxAnswers.Json(200, SandboxAnswers.Created(run.Id), headers), 200, run.Id);

        static (ResponseMessage, int, string?) Refused((ResponseMessage Answer, int Status) refusal) => (refusal.Answer, refusal.Status, null);
    }

    private (ResponseMessage, int) Poll(string runId, IEnumerable<KeyValuePair<string, string>> headers, DateTimeOffset at)
    {
        if (!_runs.TryGetValue(runId, out var run))
        {
            return NotFound($"No action run '{runId}'.", headers);
        }

        var step = run.NextStep();
        var (answer, status) = step.Fault is { } fault
            ? Answer(fault, headers)
            : (SandboxAnswers.Json(200, SandboxAnswers.Run(step), headers), 200);
        Journal.Add(new SandboxPoll(run.Id, run.Polls, step.RunStatus, status, at));
        return (answer, status);
    }

    private (ResponseMessage, int) List(
        Uri url, IEnumerable<KeyValuePair<string, string>> headers, Func<string, string?> query,
        Func<Func<string, string?>, (IReadOnlyList<JsonObject>? Items, string? Problem, bool NotFound)> items)
    {
        if (!TryPaging(query("limit"), _options.DefaultPageSize, 1, out var limit) || !TryPaging(query("offset"), 0, 0, out var offset))
        {
            return BadRequest("limit must be a whole number of at least 1 and offset one of at least 0.", headers);
        }

        var (all, problem, notFound) = items(query);
        if (all is null)
        {
            return notFound ? NotFound(problem!, headers) : BadRequest(problem!, headers);
        }

        return Answered(SandboxAnswers.Json(200, SandboxAnswers.Page(all, limit, offset, url), headers));
    }

    private (IReadOnlyList<JsonObject>?, string?, bool) ListApps(Func<string, string?> query)
    {
        IEnumerable<SandboxApp> apps = Apps;
        if (query("ids") is { } ids)
        {
            var wanted = ids.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            apps = apps.Where(a => wanted.Contains(a.Id.ToString()) || wanted.Contains(a.Key));
        }

        if (query("query") is { Length: > 0 } text)
        {
            apps = apps.Where(a => a.Title.Contains(text, StringComparison.OrdinalIgnoreCase) || a.Key.Contains(text, StringComparison.OrdinalIgnoreCase));
        }

        return ([.. apps.Select(a => SandboxAnswers.App(a, BaseUrl))], null, false);
    }

    private (IReadOnlyList<JsonObject>?, string?, bool) ListActions(Func<string, string?> query)
    {
        if (FindApp(query("app")) is not { } app)
        {
            return (null, query("app") is null ? "app is required: the app's id from GET /v2/apps." : $"No app '{query("app")}'.", query("app") is not null);
        }

        var type = query("action_type");
        var actions = Actions.Where(a => a.App == app && (type is null || SandboxAnswers.ActionTypeText(a) == type));
        return ([.. actions.Select(SandboxAnswers.Action)], null, false);
    }

    private (IReadOnlyList<JsonObject>?, string?, bool) ListAuthentications(Func<string, string?> query)
    {
        if (FindApp(query("app")) is not { } app)
        {
            return (null, query("app") is null ? "app is required: the app's id from GET /v2/apps." : $"No app '{query("app")}'.", query("app") is not null);
        }

        return ([.. Authentications.Where(a => a.App == app).Select(SandboxAnswers.Authentication)], null, false);
    }

    private SandboxApp? FindApp(string? idOrKey) =>
        idOrKey is null ? null : Apps.FirstOrDefault(a => a.Key == idOrKey || (Guid.TryParse(idOrKey, out var id) && a.Id == id));

    private static bool TryPaging(string? text, int fallback, int minimum, out int value)
    {
        if (text is null)
        {
            value = fallback;
            return true;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= minimum;
    }

    /// <summary>Zapier's rules for <c>callback_url</c>: https, a public host, at most 2048 characters.</summary>
    private static string? CallbackUrlProblem(string text, out Uri? url)
    {
        if (text.Length > 2048 || !Uri.TryCreate(text, UriKind.Absolute, out url))
        {
            url = null;
            return "must be an absolute URL of at most 2048 characters.";
        }

        if (url.Scheme != Uri.UriSchemeHttps)
        {
            return "must use https.";
        }

        if (url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip) && IsPrivate(ip)))
        {
            return "must be on a public host; loopback and private addresses are refused.";
        }

        return null;
    }

    private static bool IsPrivate(IPAddress ip)
    {
        if (IPAddress.IsLoopback(ip) || ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6UniqueLocal)
        {
            return true;
        }

        var b = ip.MapToIPv4().GetAddressBytes();
        return ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            && (b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168) || b[0] == 127);
    }

    /// <summary>A scripted fault's answer: an error document, or a reset connection or a held request (status 0).</summary>
    private static (ResponseMessage, int) Answer(SandboxFault fault, IEnumerable<KeyValuePair<string, string>> headers) =>
        fault.IsConnectionReset ? (Reset(), 0)
        : fault.IsNoAnswer ? (Held, 0)
        : (SandboxAnswers.Fault(fault, headers), fault.Status);

    private static (ResponseMessage, int) Answered(ResponseMessage answer) => (answer, answer.StatusCode is int status ? status : 200);

    private static (ResponseMessage, int) BadRequest(string detail, IEnumerable<KeyValuePair<string, string>> headers) =>
        (SandboxAnswers.Error(400, "parse_error", "ParseError", detail, headers), 400);

    private static (ResponseMessage, int) NotFound(string detail, IEnumerable<KeyValuePair<string, string>> headers) =>
        (SandboxAnswers.Error(404, "not_found", "NotFound", detail, headers), 404);
}
