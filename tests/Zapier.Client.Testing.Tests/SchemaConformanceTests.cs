using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Zapier.Client.Testing.Tests;

/// <summary>Every kind of answer the sandbox gives is valid against the effective schema of its operation.</summary>
public sealed class SchemaConformanceTests
{
    private const string CreatePath = "/v2/action-runs";
    private const string RunPath = "/v2/action-runs/{id}";

    [Fact]
    public async Task Every_kind_of_answer_the_sandbox_gives_is_valid_against_the_effective_schema()
    {
        await using var zapier = ZapierSandbox.StartWithDemoData(new ZapierSandboxOptions { DefaultPageSize = 2 });
        zapier.AddAction("demo:throttled", run => run.Fault(SandboxFault.ServerError(503)).Fault(SandboxFault.TooManyRequests(TimeSpan.FromSeconds(3)))
            .Error(SandboxRunError.Throttled(30), SandboxRunError.User() with { Meta = new JsonObject { ["field"] = "to" } }));
        zapier.AddAction("demo:refused", run => run.FailCreates(SandboxFault.TooManyRequests(TimeSpan.FromSeconds(1)), SandboxFault.ServerError(502), SandboxFault.Error(409, "conflict", "Conflict", "Busy.")));
        zapier.AddAuthentication(zapier.App("demo"));
        zapier.AddAuthentication(zapier.App("demo"), isExpired: true);
        using var http = new HttpClient { BaseAddress = zapier.BaseUrl };
        var answers = new List<(string Kind, JsonNode Schema, int Status, JsonNode? Body)>();

        async Task<JsonNode?> Check(string kind, string method, string schemaPath, string url, int expectedStatus, string? body = null, string? token = null)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? zapier.AccessToken);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            using var response = await http.SendAsync(request);
            Assert.Equal(expectedStatus, (int)response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var json = JsonNode.Parse(await response.Content.ReadAsStringAsync());
            answers.Add((kind, EffectiveSchema.ResponseSchema(method, schemaPath, expectedStatus), expectedStatus, json));
            return json;
        }

        string Create(string action, string? authentication = null) =>
            new JsonObject { ["data"] = new JsonObject { ["action"] = action, ["authentication"] = authentication, ["inputs"] = new JsonObject { ["to"] = "a@example.com" } } }.ToJsonString();

        // Creates: made, refused by the script (429, 5xx, 4xx), malformed, unknown action, unknown authentication, no token.
        var created = await Check("create", "POST", CreatePath, CreatePath, 200, Create(SandboxDemo.SendEmail, SandboxDemo.AuthenticationId));
        var runId = (string)created!["data"]!["id"]!;
        await Check("create 429 (script)", "POST", CreatePath, CreatePath, 429, Create("demo:refused"));
        await Check("create 502 (script)", "POST", CreatePath, CreatePath, 502, Create("demo:refused"));
        await Check("create 409 (script)", "POST", CreatePath, CreatePath, 409, Create("demo:refused"));
        await Check("create malformed", "POST", CreatePath, CreatePath, 400, "{not json");
        await Check("create with an array body", "POST", CreatePath, CreatePath, 400, "[]");
        await Check("create without inputs", "POST", CreatePath, CreatePath, 400, """{"data":{"action":"demo:send-email","authentication":null}}""");
        await Check("create unknown action", "POST", CreatePath, CreatePath, 404, Create("demo:nope"));
        await Check("create unknown authentication", "POST", CreatePath, CreatePath, 404, Create(SandboxDemo.SendEmail, "nope"));
        await Check("create without the token", "POST", CreatePath, CreatePath, 401, Create(SandboxDemo.SendEmail), token: "wrong");

        // Polls: waiting, success with results, error with errors[] (throttled with delay, meta), scripted faults, unknown run.
        await Check("poll waiting", "GET", RunPath, $"{CreatePath}/{runId}", 200);
        await Check("poll waiting again", "GET", RunPath, $"{CreatePath}/{runId}", 200);
        var success = await Check("poll success", "GET", RunPath, $"{CreatePath}/{runId}", 200);
        Assert.Equal("success", (string?)success!["data"]!["status"]);
        var failing = (string)(await Check("create for errors", "POST", CreatePath, CreatePath, 200, Create("demo:throttled")))!["data"]!["id"]!;
        await Check("poll 503 (script)", "GET", RunPath, $"{CreatePath}/{failing}", 503);
        await Check("poll 429 (script)", "GET", RunPath, $"{CreatePath}/{failing}", 429);
        var error = await Check("poll error", "GET", RunPath, $"{CreatePath}/{failing}", 200);
        Assert.Equal(30, (int?)error!["data"]!["errors"]![0]!["delay"]);
        await Check("poll unknown run", "GET", RunPath, $"{CreatePath}/no-such-run", 404);

        // Lists: first and last pages with links, filters, missing and unknown app, bad paging.
        var first = await Check("apps", "GET", "/v2/apps", "/v2/apps", 200);
        var actions = await Check("actions page 1", "GET", "/v2/actions", $"/v2/actions?app={SandboxDemo.AppId}", 200);
        Assert.NotNull((string?)actions!["links"]!["next"]);
        await Check("actions page 3", "GET", "/v2/actions", $"/v2/actions?app={SandboxDemo.AppId}&offset=4", 200);
        await Check("actions of a type", "GET", "/v2/actions", $"/v2/actions?app={SandboxDemo.AppId}&action_type=READ", 200);
        await Check("actions without app", "GET", "/v2/actions", "/v2/actions", 400);
        await Check("actions of an unknown app", "GET", "/v2/actions", $"/v2/actions?app={Guid.NewGuid()}", 404);
        await Check("authentications", "GET", "/v2/authentications", $"/v2/authentications?app={SandboxDemo.AppId}&limit=5", 200);
        await Check("authentications bad limit", "GET", "/v2/authentications", $"/v2/authentications?app={SandboxDemo.AppId}&limit=0", 400);
        await Check("unserved operation", "GET", "/v2/zaps", "/v2/zaps", 404);

        var problems = answers
            .SelectMany(a => EffectiveSchema.Problems(a.Schema, a.Body).Select(p => $"{a.Kind} ({a.Status}): {p}"))
            .ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        Assert.Equal(27, answers.Count);
        Assert.Single(first!["data"]!.AsArray());
    }

    [Fact]
    public async Task Queued_and_running_answers_differ_from_the_schema_only_in_their_status_which_its_enum_lacks()
    {
        await using var zapier = ZapierSandbox.Start();
        zapier.AddAction("app:phases", run => run.Queued().Running().Success());
        using var client = zapier.CreateClient();
        var run = await client.StartActionRunAsync(new ActionRuns.ActionRunRequest("app:phases"));
        using var http = new HttpClient { BaseAddress = zapier.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", zapier.AccessToken);
        var schema = EffectiveSchema.ResponseSchema("GET", RunPath, 200);

        foreach (var expected in new[] { "queued", "running" })
        {
            var body = JsonNode.Parse(await http.GetStringAsync($"{CreatePath}/{run.Id}"))!;
            Assert.Equal(expected, (string?)body["data"]!["status"]);
            Assert.NotEmpty(EffectiveSchema.Problems(schema, body));
            body["data"]!["status"] = "waiting";
            Assert.Empty(EffectiveSchema.Problems(schema, body));
        }
    }

    [Fact]
    public async Task A_rate_limited_answer_and_a_callback_body_are_valid_against_the_schema()
    {
        await using var zapier = ZapierSandbox.Start(new ZapierSandboxOptions { RateLimit = new SandboxRateLimit { RequestsPerMinute = 1 } });
        using var http = new HttpClient { BaseAddress = zapier.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", zapier.AccessToken);
        Assert.Equal(200, (int)(await http.GetAsync("/v2/apps")).StatusCode);

        using var limited = await http.GetAsync("/v2/apps");

        Assert.Equal(429, (int)limited.StatusCode);
        Assert.Empty(EffectiveSchema.Problems(EffectiveSchema.ResponseSchema("GET", "/v2/apps", 429), JsonNode.Parse(await limited.Content.ReadAsStringAsync())));
        var callback = SandboxAnswers.Run(ScriptStep.Finished("success", [new JsonObject { ["id"] = 1 }], []), "run-1");
        Assert.Empty(EffectiveSchema.Problems(EffectiveSchema.Component("ActionRunResponse"), callback));
    }
}
