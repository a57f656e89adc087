using System.Text.Json.Nodes;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Zapier.Client.Authentication;
using Zapier.Client.Errors;
using Zapier.Client.Generated.Models;
using Zapier.Client.Generated.V1.Zaps;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests;

/// <summary>
/// One test per correction in openapi/corrections.overlay.yaml, each sending the real-world shape the correction
/// exists for (or checking the surface it changes), so that removing the correction makes a test fail. The contract
/// suite alone cannot show this: its stubs follow the corrected schema.
/// </summary>
public sealed class CorrectionTests(StubServerFixture stub) : IClassFixture<StubServerFixture>
{
    /// <summary>Which test guards each correction (primary actions, the ones with x-source).</summary>
    private static readonly Dictionary<string, string> GuardedBy = new()
    {
        ["rename-ActionRunResponse"] = nameof(ModelGuardTests.Every_component_has_a_generated_type_that_holds_all_its_properties),
        ["rename-ActionTestRequest"] = nameof(ModelGuardTests.Every_component_has_a_generated_type_that_holds_all_its_properties),
        ["rename-AuthenticationCreateRequest"] = nameof(ModelGuardTests.Every_component_has_a_generated_type_that_holds_all_its_properties),
        ["rename-ListInputFieldsRequest"] = nameof(ModelGuardTests.Every_component_has_a_generated_type_that_holds_all_its_properties),
        ["rename-ListOutputFieldsRequest"] = nameof(ModelGuardTests.Every_component_has_a_generated_type_that_holds_all_its_properties),
        ["rename-RunActionRequest"] = nameof(ModelGuardTests.Every_component_has_a_generated_type_that_holds_all_its_properties),
        ["rename-RunActionResponse"] = nameof(ModelGuardTests.Every_component_has_a_generated_type_that_holds_all_its_properties),
        ["envelope-v1-apps"] = nameof(List_endpoints_answer_one_envelope_object),
        ["envelope-v1-categories"] = nameof(List_endpoints_answer_one_envelope_object),
        ["envelope-v1-zaps"] = nameof(List_endpoints_answer_one_envelope_object),
        ["envelope-v2-actions"] = nameof(List_endpoints_answer_one_envelope_object),
        ["envelope-v2-actions-action_id-inputs-input_id-choices"] = nameof(List_endpoints_answer_one_envelope_object),
        ["envelope-v2-apps"] = nameof(List_endpoints_answer_one_envelope_object),
        ["envelope-v2-whitelabel-apps"] = nameof(List_endpoints_answer_one_envelope_object),
        ["envelope-v2-zap-runs"] = nameof(List_endpoints_answer_one_envelope_object),
        ["envelope-v2-zaps"] = nameof(List_endpoints_answer_one_envelope_object),
        ["action-type-string"] = nameof(Action_type_keeps_values_such_as_READ),
        ["rate-limit-headers-not-uri"] = nameof(Rate_limit_headers_are_integers_or_plain_strings_not_uris),
        ["rate-limit-headers-integers"] = nameof(Rate_limit_headers_are_integers_or_plain_strings_not_uris),
        ["v2-zaps-scope-alternatives"] = nameof(Listing_zaps_accepts_any_one_of_its_three_scopes),
        ["oauth-scopes-complete"] = nameof(Both_scope_families_are_declared_and_accepted_for_authentications),
        ["authentications-read-scope-families"] = nameof(Both_scope_families_are_declared_and_accepted_for_authentications),
        ["authentications-write-scope-families"] = nameof(Both_scope_families_are_declared_and_accepted_for_authentications),
        ["action-run-id-plain-string"] = nameof(A_created_run_keeps_an_id_that_is_not_a_uuid),
        ["v1-zaps-params-family"] = nameof(Listing_v1_zaps_has_no_pseudo_parameter_named_after_a_pattern),
        ["union-action-app"] = nameof(An_expanded_app_object_and_an_app_id_are_both_kept),
        ["union-authentication-app"] = nameof(An_expanded_app_object_and_an_app_id_are_both_kept),
        ["fieldset-fields-one-type"] = nameof(Input_fields_keep_every_field_of_every_entry_kind),
        ["root-fieldset-one-entry-type"] = nameof(Input_fields_keep_every_field_of_every_entry_kind),
        ["expanded-zap-steps-untyped"] = nameof(Zap_steps_keep_expanded_objects_and_ids),
        ["inline-schema-names"] = nameof(PublicNamingTests.Every_public_type_member_and_parameter_of_the_package_has_a_dotnet_name),
        ["query-enum-names"] = nameof(PublicNamingTests.Every_public_type_member_and_parameter_of_the_package_has_a_dotnet_name),
        ["enum-member-names"] = nameof(PublicNamingTests.Every_public_type_member_and_parameter_of_the_package_has_a_dotnet_name),
        ["path-parameter-names"] = nameof(PublicNamingTests.Every_public_type_member_and_parameter_of_the_package_has_a_dotnet_name),
        ["action-run-callback-url"] = nameof(A_run_request_sends_its_callback_url_inside_data),
        ["v1-errors-json-api"] = nameof(V1_error_answers_are_read_as_json_api_errors),
    };

    public static TheoryData<string> V1Operations() =>
        ["v1_apps_list", "v1_categories_list", "v1_profiles_me_list", "v1_zap_templates_list", "v1_zaps_list"];

    public static TheoryData<string> EnvelopeOperations() =>
        ["v1_apps_list", "v1_categories_list", "v1_zaps_list", "get-actions", "get-choices", "get-v2-apps", "v2-whitelabel-apps-list", "get-zap-runs", "get-v2-zaps"];

    [Fact]
    public void Every_correction_is_guarded_by_a_test()
    {
        var overlay = File.ReadAllLines(Path.Combine(RepoPaths.Root, "openapi", "corrections.overlay.yaml"));
        var primary = new List<string>();
        for (var i = 0; i < overlay.Length; i++)
        {
            const string Marker = "  - x-correction: ";
            if (overlay[i].StartsWith(Marker, StringComparison.Ordinal)
                && overlay.Skip(i + 1).TakeWhile(l => !l.StartsWith("  - ", StringComparison.Ordinal)).Any(l => l.StartsWith("    x-source:", StringComparison.Ordinal)))
            {
                primary.Add(overlay[i][Marker.Length..].Trim());
            }
        }

        Assert.NotEmpty(primary);
        var unguarded = primary.Where(name => !GuardedBy.ContainsKey(name)).ToList();
        var stale = GuardedBy.Keys.Where(name => !primary.Contains(name)).ToList();
        Assert.True(unguarded.Count == 0, "Corrections without a guarding test: " + string.Join(", ", unguarded));
        Assert.True(stale.Count == 0, "Guards for corrections that no longer exist: " + string.Join(", ", stale));

        // The map is a claim; `build.ps1 -Target ProveCorrections` proves it by removing each correction and running
        // its test. Its last run, recorded in openapi/README.md, must cover this map exactly and show every test failing.
        var proven = LastProof();
        Assert.True(proven.Count > 0, "openapi/README.md records no ProveCorrections run under '### Last run'");
        var unproven = GuardedBy
            .Where(g => !proven.TryGetValue(g.Key, out var row) || row.Test.Split('.')[^1] != g.Value || row.Result != "fails as expected")
            .Select(g => g.Key).ToList();
        Assert.True(unproven.Count == 0, "Run `dotnet pwsh ./build.ps1 -Target ProveCorrections` and record it; its last record does not show these corrections' tests failing: " + string.Join(", ", unproven));
        Assert.Empty(proven.Keys.Except(GuardedBy.Keys));
    }

    /// <summary>The rows (correction, mapped test, result) of the last ProveCorrections run recorded in openapi/README.md.</summary>
    private static Dictionary<string, (string Test, string Result)> LastProof()
    {
        var rows = File.ReadAllLines(Path.Combine(RepoPaths.Root, "openapi", "README.md"))
            .SkipWhile(l => l != "### Last run")
            .Skip(1)
            .TakeWhile(l => !l.StartsWith("#", StringComparison.Ordinal))
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries));
        return rows.ToDictionary(cells => cells[1].Trim('`'), cells => (cells[2].Trim('`'), cells[3]));
    }

    [Theory]
    [MemberData(nameof(EnvelopeOperations))]
    public async Task List_endpoints_answer_one_envelope_object(string operationId)
    {
        var operation = ApiSchema.Effective.Operation(operationId);
        var responseSchema = operation.ResponseSchema("200")!;
        var envelope = ApiSchema.RefName(responseSchema);
        Assert.NotNull(envelope); // one envelope, not an array of them
        var body = SampleValues.For(responseSchema, "envelope")!;
        Assert.IsType<JsonObject>(body);
        Respond(operation.Method, 200, body);
        var exchange = Contract.ContractExchange.For(operation, "200");

        using var client = TestCredentials.Client(stub.BaseUrl);
        var result = await KiotaInvoker.InvokeAsync(client, operation, exchange.PathValues, new Dictionary<string, JsonNode?>(), exchange.RequestBody);

        Assert.IsAssignableFrom<IParsable>(result);
        var (json, _) = KiotaModelJson.Read(result, responseSchema);
        Assert.Null(JsonDiff.FirstDifference(body, json));
    }

    [Fact]
    public async Task Action_type_keeps_values_such_as_READ()
    {
        Respond("GET", 200, ActionsBody(app: JsonValue.Create("app-id-1")!, actionType: "READ"));
        using var client = TestCredentials.Client(stub.BaseUrl);

        var actions = await client.V2.Actions.GetAsync(c => c.QueryParameters.App = Guid.NewGuid());

        Assert.Equal("READ", actions!.Data![0].ActionType);
    }

    [Fact]
    public async Task An_expanded_app_object_and_an_app_id_are_both_kept()
    {
        using var client = TestCredentials.Client(stub.BaseUrl);

        Respond("GET", 200, ActionsBody(app: new JsonObject { ["id"] = "app-9", ["title"] = "Slack", ["description"] = "Chat" }, actionType: "WRITE"));
        var expanded = await client.V2.Actions.GetAsync(c => c.QueryParameters.App = Guid.NewGuid());
        Assert.Equal("Slack", expanded!.Data![0].App!.Apps!.Title);

        Respond("GET", 200, ActionsBody(app: JsonValue.Create("app-9")!, actionType: "WRITE"));
        var collapsed = await client.V2.Actions.GetAsync(c => c.QueryParameters.App = Guid.NewGuid());
        Assert.Equal("app-9", collapsed!.Data![0].App!.String);

        Respond("GET", 200, new JsonObject
        {
            ["links"] = new JsonObject(), ["meta"] = new JsonObject { ["count"] = 1, ["limit"] = 10 },
            ["data"] = new JsonArray(new JsonObject
            {
                ["type"] = "authentication", ["id"] = "auth-1", ["is_expired"] = false, ["title"] = "Work Slack",
                ["app"] = new JsonObject { ["id"] = "app-9", ["title"] = "Slack" },
            }),
        });
        var authentications = await client.V2.Authentications.GetAsync(c => c.QueryParameters.App = Guid.NewGuid());
        Assert.Equal("Slack", authentications!.Data![0].App!.Apps!.Title);
    }

    [Fact]
    public async Task Input_fields_keep_every_field_of_every_entry_kind()
    {
        Respond("POST", 200, new JsonObject
        {
            ["links"] = new JsonObject(), ["meta"] = new JsonObject { ["count"] = 2, ["limit"] = 10 },
            ["data"] = new JsonArray(
                new JsonObject { ["type"] = "input_field", ["id"] = "email", ["title"] = "Email", ["description"] = "Who to notify", ["is_required"] = true },
                new JsonObject
                {
                    ["type"] = "fieldset", ["id"] = "address", ["title"] = "Address",
                    ["fields"] = new JsonArray(
                        new JsonObject { ["type"] = "input_field", ["id"] = "city", ["title"] = "City", ["description"] = "Town or city" },
                        new JsonObject { ["type"] = "info_field", ["id"] = "note", ["description"] = "Shown as help text" }),
                }),
        });
        using var client = TestCredentials.Client(stub.BaseUrl);

        var fields = await client.V2.Actions["core:1"].Inputs.PostAsync(new ListInputFieldsRequest
        {
            Data = new ListInputFieldsRequestData { Authentication = null, Inputs = new ListInputFieldsInputs() },
        });

        var entries = fields!.Data!;
        Assert.Equal(("input_field", "Who to notify", true), (entries[0].Type, entries[0].Description, entries[0].IsRequired));
        Assert.Equal(("fieldset", "Address"), (entries[1].Type, entries[1].Title));
        Assert.Equal(["Town or city", "Shown as help text"], entries[1].Fields!.Select(f => f.Description));
        Assert.Equal("info_field", entries[1].Fields![1].Type);
    }

    [Fact]
    public async Task Zap_steps_keep_expanded_objects_and_ids()
    {
        Respond("GET", 200, new JsonObject
        {
            ["links"] = new JsonObject(), ["meta"] = new JsonObject { ["count"] = 1, ["limit"] = 10 },
            ["data"] = new JsonArray(new JsonObject
            {
                ["type"] = "zap", ["id"] = "zap-1", ["title"] = "Notify", ["is_enabled"] = true, ["updated_at"] = "2024-05-01T10:00:00Z",
                ["last_successful_run_date"] = null, ["links"] = new JsonObject(),
                ["steps"] = new JsonArray(new JsonObject { ["action"] = "core:1", ["title"] = "Trigger" }, "step-2"),
            }),
        });
        using var client = TestCredentials.Client(stub.BaseUrl);

        var zaps = await client.V2.Zaps.GetAsync();

        var steps = Assert.IsType<UntypedArray>(zaps!.Data![0].Steps).GetValue().ToList();
        var first = Assert.IsType<UntypedObject>(steps[0]).GetValue();
        Assert.Equal("Trigger", Assert.IsType<UntypedString>(first["title"]).GetValue());
        Assert.Equal("step-2", Assert.IsType<UntypedString>(steps[1]).GetValue());
    }

    [Fact]
    public async Task A_created_run_keeps_an_id_that_is_not_a_uuid()
    {
        Respond("POST", 200, new JsonObject { ["data"] = new JsonObject { ["type"] = "run", ["id"] = "arun_abc123" } });
        using var client = TestCredentials.Client(stub.BaseUrl);

        var run = await client.V2.ActionRuns.PostAsync(new RunActionRequest
        {
            Data = new RunActionRequestData { Action = "core:1", Inputs = new ActionRunInputs() },
        });

        Assert.Equal("arun_abc123", run!.Data!.Id);
    }

    [Fact]
    public async Task A_run_request_sends_its_callback_url_inside_data()
    {
        Respond("POST", 200, new JsonObject { ["data"] = new JsonObject { ["type"] = "run", ["id"] = "arun_abc123" } });
        using var client = TestCredentials.Client(stub.BaseUrl);

        await client.V2.ActionRuns.PostAsync(new RunActionRequest
        {
            Data = new RunActionRequestData { Action = "core:1", Inputs = new ActionRunInputs(), CallbackUrl = "https://hooks.example.com/done" },
        });

        var sent = JsonNode.Parse(Assert.Single(stub.Server.LogEntries).RequestMessage.Body!)!;
        Assert.Equal("https://hooks.example.com/done", (string?)sent["data"]!["callback_url"]);
    }

    [Theory]
    [MemberData(nameof(V1Operations))]
    public async Task V1_error_answers_are_read_as_json_api_errors(string operationId)
    {
        var operation = ApiSchema.Effective.Operation(operationId);
        var body = new JsonObject
        {
            ["errors"] = new JsonArray(new JsonObject { ["status"] = 403, ["code"] = "permission_denied", ["title"] = "Forbidden", ["detail"] = "No access." }),
        };
        Respond(operation.Method, 403, body);
        var exchange = Contract.ContractExchange.For(operation, "200");
        using var client = TestCredentials.Client(stub.BaseUrl);

        var error = await Assert.ThrowsAsync<ZapierApiException>(
            () => KiotaInvoker.InvokeAsync(client, operation, exchange.PathValues, new Dictionary<string, JsonNode?>(), exchange.RequestBody));

        Assert.Equal(403, error.StatusCode);
        Assert.NotNull(error.ErrorResponse);
        var read = Assert.Single(error.Errors);
        Assert.Equal(("permission_denied", "Forbidden", "No access."), (read.Code, read.Title, read.Detail));
    }

    [Fact]
    public void Rate_limit_headers_are_integers_or_plain_strings_not_uris()
    {
        var headers = ApiSchema.Effective.Operations
            .SelectMany(o => o.Statuses.Select(o.Response))
            .SelectMany(r => r["headers"] as JsonObject ?? [])
            .ToList();

        Assert.NotEmpty(headers);
        Assert.All(headers, h => Assert.Null(h.Value!["schema"]!["format"]));
        Assert.All(headers.Where(h => h.Key.StartsWith("X-RateLimit-", StringComparison.Ordinal)),
            h => Assert.Equal("integer", (string?)h.Value!["schema"]!["type"]));
        Assert.All(headers.Where(h => h.Key == "Retry-After"), h => Assert.Equal("string", (string?)h.Value!["schema"]!["type"]));
    }

    [Fact]
    public void Listing_zaps_accepts_any_one_of_its_three_scopes()
    {
        var alternatives = ZapierScopes.For("get-v2-zaps").Select(a => string.Join(' ', a)).ToList();

        Assert.Equal(["zap", "zap:all", "zap:account:all"], alternatives);
    }

    [Fact]
    public void Both_scope_families_are_declared_and_accepted_for_authentications()
    {
        Assert.Superset(new HashSet<string> { "connection:read", "connection:write", "zap:account:all", "zap:delete" }, ZapierScopes.Declared.ToHashSet());
        Assert.Equal(["connection:read", "authentication"], ZapierScopes.For("get-authentications").Select(a => string.Join(' ', a)));
        Assert.Equal(["connection:write", "authentication:write"], ZapierScopes.For("create-authentication").Select(a => string.Join(' ', a)));
    }

    [Fact]
    public void Listing_v1_zaps_has_no_pseudo_parameter_named_after_a_pattern()
    {
        var names = typeof(ZapsRequestBuilder.ZapsRequestBuilderGetQueryParameters).GetProperties()
            .Select(p => p.GetCustomAttributes(typeof(QueryParameterAttribute), false).Cast<QueryParameterAttribute>().SingleOrDefault()?.TemplateName ?? p.Name)
            .ToList();

        Assert.Equal(["get_params", "limit", "offset"], names.Order());
    }

    private static JsonObject ActionsBody(JsonNode app, string actionType) => new()
    {
        ["links"] = new JsonObject(), ["meta"] = new JsonObject { ["count"] = 1, ["limit"] = 10 },
        ["data"] = new JsonArray(new JsonObject
        {
            ["id"] = "core:1", ["key"] = "send_message", ["app"] = app, ["type"] = "action", ["action_type"] = actionType,
            ["is_instant"] = false, ["title"] = "Send Message", ["description"] = "Sends a message",
        }),
    };

    private void Respond(string method, int status, JsonNode body)
    {
        stub.Server.Reset();
        stub.Server.Given(Request.Create().UsingMethod(method))
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body.ToJsonString()));
    }
}
