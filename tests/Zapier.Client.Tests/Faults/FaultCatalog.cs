using System.Text;
using WireMock.ResponseBuilders;
using WireMock.Types;
using Microsoft.Kiota.Abstractions.Serialization;
using Zapier.Client.Errors;
using Zapier.Client.Generated.Models;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests.Faults;

/// <summary>Which client call a scenario makes.</summary>
internal enum FaultCall
{
    /// <summary>GET /v2/action-runs/{id} (a safe method).</summary>
    GetRun,

    /// <summary>POST /v2/action-runs (creates a run: a side effect).</summary>
    CreateRun,

    /// <summary>GET /v2/zap-runs, following links.next with the item stream (ListAsync).</summary>
    ZapRunPages,
}

/// <summary>
/// One fault: what the stub answers attempt by attempt, and the documented outcome (the fault catalog table in
/// README.md). <paramref name="Outcome"/> is null for success, else the exception type; <paramref name="Attempts"/>
/// counts requests that reached the stub. <paramref name="Returns"/> asserts the value a success returns (required
/// when <paramref name="Outcome"/> is null, so that a success cannot pass with a wrong or null value).
/// </summary>
internal sealed record FaultScenario(
    string Name, FaultCall Call, Func<int, FaultAnswer> Answer, Type? Outcome, int Attempts,
    int? Status = null, bool? PerAttempt = null, string? PathValue = null, bool ClosedPort = false, bool RedirectElsewhere = false, bool RawServer = false,
    Action<object?, Exception?, FaultRun>? Check = null, Action<object?>? Returns = null)
{
    public override string ToString() => Name;
}

/// <summary>What a scenario run observed, for its extra checks.</summary>
internal sealed record FaultRun(int Attempts, int ElsewhereRequests, bool ElsewhereSawToken, TimeSpan Elapsed, IReadOnlyList<string> Logs);

/// <summary>The fault catalog: every scenario is run by <see cref="FaultCatalogTests"/> over real HTTP on a fake clock.</summary>
internal static class FaultCatalog
{
    private const string ProblemJson = """{"type":"about:blank","title":"Run store unavailable","status":500,"detail":"Try again in a minute.","validation":[]}""";

    private const string GatewayJson = """{"message":"Internal server error"}""";

    private const string Html502 = "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>upstream went away</p></body></html>";

    public static readonly FaultScenario[] All =
    [
        // Transport
        new("get-connection-reset-every-time", FaultCall.GetRun, _ => FaultAnswer.ConnectionReset, typeof(ZapierNetworkException), 4, RawServer: true),
        new("get-connection-reset-then-ok", FaultCall.GetRun, i => i == 0 ? FaultAnswer.ConnectionReset : FaultAnswer.Ok(), null, 2, RawServer: true, Returns: TheRun),
        new("post-connection-reset", FaultCall.CreateRun, _ => FaultAnswer.ConnectionReset, typeof(ZapierNetworkException), 1, RawServer: true),
        new("get-empty-response", FaultCall.GetRun, _ => FaultAnswer.Broken(FaultType.EMPTY_RESPONSE), null, 1, Returns: Assert.Null),
        new("get-malformed-chunk", FaultCall.GetRun, _ => FaultAnswer.Broken(FaultType.MALFORMED_RESPONSE_CHUNK), typeof(ZapierProtocolException), 1),
        new("post-malformed-chunk", FaultCall.CreateRun, _ => FaultAnswer.Broken(FaultType.MALFORMED_RESPONSE_CHUNK), typeof(ZapierProtocolException), 1),
        new("get-body-cut-short-then-ok", FaultCall.GetRun, i => i == 0 ? FaultAnswer.BodyCutShort : FaultAnswer.Ok(), null, 2, RawServer: true, Returns: TheRun),
        new("post-body-cut-short", FaultCall.CreateRun, _ => FaultAnswer.BodyCutShort, typeof(ZapierNetworkException), 1, RawServer: true),
        new("post-connection-refused", FaultCall.CreateRun, _ => FaultAnswer.Ok(), typeof(ZapierNetworkException), 0, ClosedPort: true,
            Check: (_, _, run) => Assert.Equal(3, run.Logs.Count(l => l.Contains("Retrying POST", StringComparison.Ordinal)))),

        // Slow responses
        new("get-slower-than-attempt-timeout", FaultCall.GetRun, _ => FaultAnswer.Slow, typeof(ZapierTimeoutException), 4, PerAttempt: false),
        new("get-slow-once-then-ok", FaultCall.GetRun, i => i == 0 ? FaultAnswer.Slow : FaultAnswer.Ok(), null, 2, Returns: TheRun),
        new("post-slower-than-attempt-timeout", FaultCall.CreateRun, _ => FaultAnswer.Slow, typeof(ZapierTimeoutException), 1, PerAttempt: true),

        // Rate limits and unavailability
        new("get-429-storm-without-retry-after", FaultCall.GetRun, _ => FaultAnswer.Error(429), typeof(ZapierApiException), 4, Status: 429),
        new("get-429-storm-with-retry-after", FaultCall.GetRun, _ => FaultAnswer.Error(429, ("Retry-After", "5")), typeof(ZapierApiException), 4, Status: 429,
            Check: (_, _, run) => Assert.True(run.Elapsed >= TimeSpan.FromSeconds(15), $"retries came after {run.Elapsed}")),
        new("get-429-retry-after-http-date-then-ok", FaultCall.GetRun,
            i => i == 0 ? FaultAnswer.Error(429, ("Retry-After", FaultCatalogTests.Start.AddSeconds(20).ToString("r"))) : FaultAnswer.Ok(), null, 2,
            Check: (_, _, run) => Assert.True(run.Elapsed >= TimeSpan.FromSeconds(20)), Returns: TheRun),
        new("get-429-retry-after-beyond-limit", FaultCall.GetRun, _ => FaultAnswer.Error(429, ("Retry-After", "3600")), typeof(ZapierApiException), 1, Status: 429,
            Check: (_, e, _) => Assert.Equal(TimeSpan.FromHours(1), ((ZapierApiException)e!).RetryAfter)),
        new("get-429-retry-after-unparsable", FaultCall.GetRun, _ => FaultAnswer.Error(429, ("Retry-After", "soon")), typeof(ZapierApiException), 4, Status: 429),
        new("get-429-rate-limit-exhausted-then-ok", FaultCall.GetRun,
            i => i == 0 ? FaultAnswer.Error(429, ("X-RateLimit-Limit", "60"), ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", FaultCatalogTests.Start.AddSeconds(40).ToUnixTimeSeconds().ToString())) : FaultAnswer.Ok(),
            null, 2, Check: (_, _, run) => Assert.True(run.Elapsed >= TimeSpan.FromSeconds(40)), Returns: TheRun),
        new("get-503-storm-without-retry-after", FaultCall.GetRun, _ => FaultAnswer.Error(503), typeof(ZapierApiException), 4, Status: 503),
        new("get-503-storm-with-retry-after", FaultCall.GetRun, _ => FaultAnswer.Error(503, ("Retry-After", "2")), typeof(ZapierApiException), 4, Status: 503),
        new("get-503-empty-body", FaultCall.GetRun, _ => new FaultAnswer(503, null, null), typeof(ZapierApiException), 4, Status: 503),
        new("get-504-then-ok", FaultCall.GetRun, i => i == 0 ? FaultAnswer.Error(504) : FaultAnswer.Ok(), null, 2, Returns: TheRun),
        new("get-500-storm", FaultCall.GetRun, _ => FaultAnswer.Error(500), typeof(ZapierApiException), 4, Status: 500),
        new("post-429-then-ok", FaultCall.CreateRun, i => i == 0 ? FaultAnswer.Error(429, ("Retry-After", "1")) : FaultAnswer.Json(200, """{"data":{"type":"run","id":"r-1"}}"""), null, 2,
            Returns: r =>
            {
                var data = Assert.IsType<RunActionResponse>(r).Data!;
                Assert.Equal(("r-1", RunTypeEnum.Run), (data.Id, data.Type));
            }),
        new("post-429-storm", FaultCall.CreateRun, _ => FaultAnswer.Error(429, ("Retry-After", "1")), typeof(ZapierApiException), 4, Status: 429),
        new("post-503-not-repeated", FaultCall.CreateRun, _ => FaultAnswer.Error(503), typeof(ZapierApiException), 1, Status: 503),
        new("post-504-not-repeated", FaultCall.CreateRun, _ => FaultAnswer.Error(504), typeof(ZapierApiException), 1, Status: 504),
        new("post-500-not-repeated", FaultCall.CreateRun, _ => FaultAnswer.Error(500), typeof(ZapierApiException), 1, Status: 500),

        // Error statuses and error bodies
        new("get-html-502", FaultCall.GetRun, _ => FaultAnswer.Text(502, "text/html", Html502), typeof(ZapierApiException), 4, Status: 502,
            Check: (_, e, _) => Assert.Contains("Bad Gateway", ((ZapierApiException)e!).BodySnippet, StringComparison.Ordinal)),
        new("get-401", FaultCall.GetRun, _ => FaultAnswer.Error(401), typeof(ZapierApiException), 1, Status: 401),
        new("get-404-with-errors", FaultCall.GetRun, _ => FaultAnswer.Error(404), typeof(ZapierApiException), 1, Status: 404,
            Check: (_, e, _) => Assert.Equal("e404", Assert.Single(((ZapierApiException)e!).Errors).Code)),
        new("get-400-foreign-error-shape", FaultCall.GetRun, _ => FaultAnswer.Json(400, """{"message":"bad"}"""), typeof(ZapierApiException), 1, Status: 400),
        new("get-400-invalid-json-error", FaultCall.GetRun, _ => FaultAnswer.Text(400, "application/json", "{\"errors\":["), typeof(ZapierApiException), 1, Status: 400,
            Check: (_, e, _) => Assert.Contains("{\"errors\":[", ((ZapierApiException)e!).BodySnippet, StringComparison.Ordinal)),
        new("get-200-with-error-body", FaultCall.GetRun, _ => FaultAnswer.Json(200, """{"errors":[{"status":500,"code":"error","title":"APIException","detail":"Boom."}]}"""), typeof(ZapierProtocolException), 1),

        // Content types and encodings
        new("get-200-text-plain", FaultCall.GetRun, _ => FaultAnswer.Text(200, "text/plain", FaultAnswer.RunJson), typeof(ZapierProtocolException), 1),
        new("get-200-text-html", FaultCall.GetRun, _ => FaultAnswer.Text(200, "text/html", Html502), typeof(ZapierProtocolException), 1),
        new("get-200-no-content-type", FaultCall.GetRun, _ => new FaultAnswer(200, Encoding.UTF8.GetBytes(FaultAnswer.RunJson), null), null, 1, Returns: TheRun),
        new("get-200-json-with-charset", FaultCall.GetRun, _ => FaultAnswer.Text(200, "application/json; charset=utf-8", FaultAnswer.RunJson), null, 1, Returns: TheRun),
        new("get-200-vendor-json", FaultCall.GetRun, _ => FaultAnswer.Text(200, "application/vnd.api+json", FaultAnswer.RunJson), null, 1, Returns: TheRun),
        new("get-200-utf8-bom", FaultCall.GetRun, _ => new FaultAnswer(200, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(FaultAnswer.RunJson)]), null, 1, Returns: TheRun),
        new("get-200-gzip", FaultCall.GetRun, _ => FaultAnswer.Gzip(FaultAnswer.RunJson), null, 1, Returns: TheRun),

        // Malformed and hostile bodies
        new("get-truncated-json", FaultCall.GetRun, _ => FaultAnswer.Text(200, "application/json", FaultAnswer.RunJson[..30]), typeof(ZapierProtocolException), 1,
            Check: (_, e, _) => Assert.Contains("\"data\"", ((ZapierProtocolException)e!).BodySnippet, StringComparison.Ordinal)),
        new("get-invalid-json", FaultCall.GetRun, _ => FaultAnswer.Text(200, "application/json", "not json at all"), typeof(ZapierProtocolException), 1),
        new("get-empty-200-body", FaultCall.GetRun, _ => new FaultAnswer(200, [], "application/json"), null, 1, Returns: Assert.Null),
        new("get-deep-nesting", FaultCall.GetRun, _ => FaultAnswer.Ok("""{"data":{"type":"run","status":"success","errors":[],"results":[""" + new string('[', 500) + new string(']', 500) + "]}}"),
            typeof(ZapierProtocolException), 1),
        new("get-50-mb-results", FaultCall.GetRun, _ => FaultAnswer.Ok(LargeRun(50)), typeof(ZapierProtocolException), 1,
            Check: (_, e, _) => Assert.Contains("MaxResponseBytes", e!.Message, StringComparison.Ordinal)),
        new("get-5-mb-results", FaultCall.GetRun, _ => FaultAnswer.Ok(LargeRun(5)), null, 1,
            Returns: r =>
            {
                var data = Run(r);
                Assert.Equal((ActionRunResponseStatusEnum.Success, LargeRunRows(5) + 1), (data.Status, data.Results!.Count));
                Assert.All(data.Results.SkipLast(1), row => Assert.Equal(123456m, row.AdditionalData["id"]));
                Assert.Equal(0m, data.Results[^1].AdditionalData["id"]);
            }),
        new("get-unknown-fields", FaultCall.GetRun, _ => FaultAnswer.Ok("""{"data":{"type":"run","status":"success","errors":[],"shiny":{"new":true}},"meta":7}"""), null, 1,
            Returns: r =>
            {
                var data = Run(r);
                Assert.Equal((RunTypeEnum.Run, ActionRunResponseStatusEnum.Success), (data.Type, data.Status));
                Assert.True(Assert.IsType<UntypedBoolean>(Assert.IsType<UntypedObject>(data.AdditionalData["shiny"]).GetValue()["new"]).GetValue());
                Assert.Equal(7m, ((ActionRunResponse)r!).AdditionalData["meta"]);
            }),
        new("get-unknown-enum-values", FaultCall.GetRun, _ => FaultAnswer.Ok($$$"""{"data":{"type":"batch","status":"{{{StatusProbe.Unclassified}}}","errors":[{"code":"quota","title":"Q"}]}}"""), null, 1,
            Returns: r =>
            {
                var data = Run(r);
                Assert.Null(data.Status);
                Assert.Null(data.Type);
                Assert.Equal(StatusProbe.Unclassified, data.AdditionalData["status"]);
                Assert.Equal("batch", data.AdditionalData["type"]);
                Assert.Equal("quota", data.Errors![0].AdditionalData["code"]);
            }),
        new("get-wrong-types", FaultCall.GetRun, _ => FaultAnswer.Ok("""{"data":{"type":"run","status":5,"errors":"none","results":{"a":1}}}"""), null, 1,
            Returns: r =>
            {
                var data = Run(r);
                Assert.Equal(RunTypeEnum.Run, data.Type);
                Assert.Null(data.Status);
                Assert.Empty(data.Errors!); // a list that cannot be read is empty, not null
                Assert.Empty(data.Results!);
                Assert.Equal(5m, data.AdditionalData["status"]);
                Assert.Equal("none", data.AdditionalData["errors"]);
                var results = Assert.IsType<UntypedObject>(data.AdditionalData["results"]).GetValue();
                Assert.Equal(1, Assert.IsType<UntypedInteger>(Assert.Single(results, kv => kv.Key == "a").Value).GetValue());
            }),
        new("get-duplicate-keys", FaultCall.GetRun, _ => FaultAnswer.Ok("""{"data":{"type":"run","status":"waiting","status":"success","errors":[]}}"""), null, 1,
            Returns: r =>
            {
                var data = Run(r);
                Assert.Equal((RunTypeEnum.Run, ActionRunResponseStatusEnum.Success), (data.Type, data.Status));
                Assert.Empty(data.Errors!);
            }),
        new("get-nulls-everywhere", FaultCall.GetRun, _ => FaultAnswer.Ok("""{"data":{"type":null,"status":null,"errors":null,"results":[null,{"id":null}]}}"""), null, 1,
            Returns: r =>
            {
                var data = Run(r);
                Assert.Null(data.Type);
                Assert.Null(data.Status);
                Assert.Null(data.Errors);
                Assert.Equal(2, data.Results!.Count);
                Assert.Null(data.Results[1].AdditionalData["id"]);
            }),
        new("get-null-root", FaultCall.GetRun, _ => FaultAnswer.Ok("null"), null, 1,
            Returns: r =>
            {
                var response = Assert.IsType<ActionRunResponse>(r);
                Assert.Null(response.Data);
                Assert.Empty(response.AdditionalData);
            }),

        // Redirects and links
        new("get-redirect-loop", FaultCall.GetRun, _ => new FaultAnswer(302, null, null, [("Location", "/v2/action-runs/run-1")]), typeof(ZapierProtocolException), 6),
        new("get-cross-origin-redirect", FaultCall.GetRun, _ => new FaultAnswer(302, null, null), typeof(ZapierProtocolException), 1, RedirectElsewhere: true,
            Check: (_, _, run) => Assert.Equal(0, run.ElsewhereRequests)),
        new("paging-foreign-links-next", FaultCall.ZapRunPages, _ => FaultAnswer.Ok(), typeof(ZapierProtocolException), 1,
            Check: (_, e, run) =>
            {
                Assert.Equal(0, run.ElsewhereRequests);
                Assert.Contains("not followed", e!.Message, StringComparison.Ordinal);
            }),

        // Bad input
        new("empty-path-parameter", FaultCall.GetRun, _ => FaultAnswer.Ok(), typeof(ArgumentException), 0, PathValue: ""),
        new("dot-dot-path-parameter", FaultCall.GetRun, _ => FaultAnswer.Ok(), typeof(ArgumentException), 0, PathValue: ".."),

        // Redirects of a POST
        new("post-cross-origin-redirect", FaultCall.CreateRun, _ => new FaultAnswer(302, null, null), typeof(ZapierProtocolException), 1, RedirectElsewhere: true,
            Check: (_, _, run) => Assert.Equal(0, run.ElsewhereRequests)),

        // Bodies of the wrong JSON kind
        new("get-200-array-root", FaultCall.GetRun, _ => FaultAnswer.Ok("[" + FaultAnswer.RunJson + "]"), typeof(ZapierProtocolException), 1,
            Check: (_, e, _) => Assert.Equal("[" + FaultAnswer.RunJson + "]", ((ZapierProtocolException)e!).BodySnippet)),
        new("get-200-string-root", FaultCall.GetRun, _ => FaultAnswer.Ok("\"success\""), typeof(ZapierProtocolException), 1,
            Check: (_, e, _) => Assert.Equal("\"success\"", ((ZapierProtocolException)e!).BodySnippet)),

        // Error bodies without Zapier's errors[]
        new("get-500-problem-json", FaultCall.GetRun, _ => FaultAnswer.Text(500, "application/problem+json", ProblemJson), typeof(ZapierApiException), 4, Status: 500,
            Check: (_, e, _) =>
            {
                var error = (ZapierApiException)e!;
                Assert.Contains("Internal Server Error): Run store unavailable: Try again in a minute.", error.Message, StringComparison.Ordinal);
                Assert.Equal(ProblemJson, error.BodySnippet);
            }),
        new("get-502-gateway-message", FaultCall.GetRun, _ => FaultAnswer.Json(502, GatewayJson), typeof(ZapierApiException), 4, Status: 502,
            Check: (_, e, _) =>
            {
                var error = (ZapierApiException)e!;
                Assert.Contains("Bad Gateway): Internal server error.", error.Message, StringComparison.Ordinal);
                Assert.Equal(GatewayJson, error.BodySnippet);
            }),
    ];

    private const string LargeRunRow = """{"id":123456,"name":"a result row of moderate length","tags":["x","y"]},""";

    /// <summary>The stub's run (<see cref="FaultAnswer.RunJson"/>), field by field.</summary>
    private static void TheRun(object? result)
    {
        var data = Run(result);
        Assert.Equal((RunTypeEnum.Run, ActionRunResponseStatusEnum.Success), (data.Type, data.Status));
        Assert.Equal(1m, Assert.Single(data.Results!).AdditionalData["id"]);
        Assert.Empty(data.Errors!);
    }

    private static ActionRunResponseData Run(object? result) => Assert.IsType<ActionRunResponse>(result).Data!;

    /// <summary>How many <see cref="LargeRunRow"/>s <see cref="LargeRun"/> writes before its final <c>{"id":0}</c>.</summary>
    private static int LargeRunRows(int megabytes) => megabytes * 1024 * 1024 / LargeRunRow.Length;

    private static string LargeRun(int megabytes)
    {
        var count = LargeRunRows(megabytes);
        var text = new StringBuilder(megabytes * 1024 * 1024 + 200).Append("""{"data":{"type":"run","status":"success","errors":[],"results":[""");
        for (var i = 0; i < count; i++)
        {
            text.Append(LargeRunRow);
        }

        return text.Append("""{"id":0}]}}""").ToString();
    }
}
