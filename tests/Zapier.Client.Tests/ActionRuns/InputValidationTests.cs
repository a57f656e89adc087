using System.Text.Json.Nodes;
using WireMock;
using Zapier.Client.ActionRuns;
using Zapier.Client.Tests.Faults;
using Zapier.Client.Tests.Lists;

namespace Zapier.Client.Tests.ActionRuns;

/// <summary>
/// Opt-in input validation (<see cref="ActionRunRequest.ValidateInputs"/>) against WireMock answers shaped like
/// Zapier's input fields: required fields and defaults, value types, lists, static choices, dynamic fields, what
/// passes unjudged, and the cache per action and authentication on the fake clock.
/// </summary>
public sealed class InputValidationTests
{
    private const string Action = "core:mailer";

    /// <summary>An action's fields as <c>POST /v2/actions/{id}/inputs</c> answers them.</summary>
    private static readonly JsonArray MailerFields =
    [
        Field("email", "STRING", required: true, title: "Recipient"),
        Field("subject", "STRING", required: true, defaultValue: "Hello"),
        Field("count", "INTEGER"),
        Field("price", "NUMBER"),
        Field("urgent", "BOOLEAN"),
        Field("tags", "ARRAY", items: new JsonObject { ["type"] = "INTEGER" }),
        Field("headers", "OBJECT"),
        Field("priority", "STRING", format: "SELECT"),
        Field("folder", "STRING", format: "SELECT", dependsOn: ["account"]),
        Field("account", "STRING"),
        Field("created", "STRING", required: true, format: "READONLY"),
        Field("when", "DATE"),
        new JsonObject { ["type"] = "info_field", ["id"] = "notice", ["description"] = "Messages are sent at once." },
        new JsonObject
        {
            ["type"] = "fieldset", ["id"] = "attachments", ["title"] = "Attachments",
            ["fields"] = new JsonArray(Field("file_name", "STRING", required: true)),
        },
    ];

    private static readonly string[] PriorityChoices = ["low", "normal", "high"];

    private static readonly Dictionary<string, object?> ValidInputs = new()
    {
        ["email"] = "me@example.com",
        ["count"] = "42",
        ["price"] = 9.5m,
        ["urgent"] = "yes",
        ["tags"] = new[] { 1, 2 },
        ["headers"] = new Dictionary<string, object?> { ["X-Trace"] = "1" },
        ["priority"] = "high",
        ["folder"] = "not-listed-anywhere",
        ["extra"] = new { Anything = true },
        ["when"] = "tomorrow",
    };

    [Fact]
    public async Task Valid_inputs_create_the_run_after_one_fields_request_with_the_authentication_and_no_inputs()
    {
        using var stub = Stub();

        var run = await stub.DriveAsync(stub.Client.StartActionRunAsync(Request(ValidInputs)));

        Assert.Equal("arun_1", run.Id);
        var fields = Assert.Single(stub.Requests, r => r.Path == "/v2/actions/core:mailer/inputs");
        Assert.Null(Json.Diff(JsonNode.Parse("""{"data":{"authentication":"auth-1","inputs":{}}}"""), PagedStub.BodyOf(fields)));
        Assert.Single(stub.Requests, r => r.Path == "/v2/actions/core:mailer/inputs/priority/choices");
        Assert.Single(stub.Requests, r => r.Path == "/v2/action-runs");
    }

    [Fact]
    public async Task Every_problem_is_listed_in_one_argument_exception_in_field_order_and_no_run_is_created()
    {
        using var stub = Stub();
        var inputs = new Dictionary<string, object?>(ValidInputs)
        {
            ["email"] = "  ",
            ["count"] = "forty-two",
            ["tags"] = new object[] { 1, "two" },
            ["priority"] = "urgent",
        };

        var error = await Assert.ThrowsAsync<InvalidActionInputsException>(() => stub.DriveAsync(stub.Client.StartActionRunAsync(Request(inputs))));

        Assert.IsAssignableFrom<ArgumentException>(error);
        Assert.Equal("Inputs", error.ParamName);
        Assert.Equal(Action, error.Action);
        Assert.Equal(
            [("email", ActionInputProblemKind.Missing), ("count", ActionInputProblemKind.WrongType), ("tags", ActionInputProblemKind.WrongType), ("priority", ActionInputProblemKind.NotAChoice)],
            error.Problems.Select(p => (p.Field, p.Kind)));
        Assert.Equal("'email' (Recipient) is required.", error.Problems[0].Message);
        Assert.Equal("'tags' must be a list of items that are each an integer; item 2 is text that does not read as an integer.", error.Problems[2].Message);
        Assert.Equal("'priority' must be one of its 3 choices; the value given is not.", error.Problems[3].Message);
        Assert.All(error.Problems, p => Assert.Contains(p.Message, error.Message, StringComparison.Ordinal));
        Assert.DoesNotContain("forty-two", error.Message, StringComparison.Ordinal); // values are never quoted
        Assert.DoesNotContain(stub.Requests, r => r.Path == "/v2/action-runs");
    }

    public static TheoryData<string, object?, string> BadValues() => new()
    {
        { "email", null, "is required" },
        { "count", "4.5", "must be an integer; the value given is text that does not read as an integer" },
        { "count", 4.5, "must be an integer; the value given is a number with a fraction" },
        { "count", true, "must be an integer; the value given is true or false" },
        { "price", "cheap", "must be a number; the value given is text that does not read as a number" },
        { "price", new[] { 1 }, "must be a number; the value given is a list" },
        { "urgent", "maybe", "must be true or false; the value given is text that does not read as true or false" },
        { "urgent", 2, "must be true or false; the value given is a number" },
        { "tags", "1,2", "must be a list; the value given is text that does not read as a list" },
        { "tags", new object[] { 1, 2.5 }, "item 2 is a number with a fraction" },
        { "headers", "X-Trace: 1", "must be an object; the value given is text that does not read as an object" },
        { "headers", Element("[1]"), "must be an object; the value given is a list" },
        { "email", new { To = "me" }, "must be text; the value given is an object" },
        { "email", new Dictionary<string, object?> { ["to"] = "me" }, "must be text; the value given is an object" },
        { "priority", "HIGH", "must be one of its 3 choices" },
        { "priority", 3, "must be one of its 3 choices" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task Each_rule_refuses_a_value_that_breaks_it(string field, object? value, string message)
    {
        using var stub = Stub();
        var inputs = new Dictionary<string, object?>(ValidInputs) { [field] = value };

        var error = await Assert.ThrowsAsync<InvalidActionInputsException>(() => stub.DriveAsync(stub.Client.StartActionRunAsync(Request(inputs))));

        var problem = Assert.Single(error.Problems);
        Assert.Equal(field, problem.Field);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(stub.Requests, r => r.Path == "/v2/action-runs");
    }

    public static TheoryData<string, object?> GoodValues() => new()
    {
        { "subject", null },                                     // required, but has a default value
        { "count", 42 },
        { "count", 42.0 },
        { "count", Element("7") },
        { "price", "1e3" },
        { "price", 3 },
        { "urgent", true },
        { "urgent", "FALSE" },
        { "urgent", 0 },
        { "tags", Element("[1, \"2\"]") },
        { "tags", new List<long>() },
        { "headers", Element("""{"a":1}""") },
        { "headers", new { Trace = 1 } },
        { "email", 12345 },                                      // a number is sent as text to a text field
        { "priority", "low" },
        { "created", null },                                     // read-only: never asked of the caller
        { "file_name", null },                                   // inside a fieldset: passed unjudged
        { "folder", 17 },                                        // choices that depend on another input: unjudged
        { "when", 12 },                                          // a value type this client does not know
    };

    [Theory]
    [MemberData(nameof(GoodValues))]
    public async Task Each_rule_accepts_what_it_allows_and_what_the_client_cannot_judge_passes(string field, object? value)
    {
        using var stub = Stub();
        var inputs = new Dictionary<string, object?>(ValidInputs) { [field] = value };

        var run = await stub.DriveAsync(stub.Client.StartActionRunAsync(Request(inputs)));

        Assert.Equal("arun_1", run.Id);
        Assert.Single(stub.Requests, r => r.Path == "/v2/action-runs");
    }

    [Fact]
    public async Task Choices_that_depend_on_another_input_are_never_fetched()
    {
        using var stub = Stub();

        await stub.DriveAsync(stub.Client.StartActionRunAsync(Request(ValidInputs)));

        Assert.Single(stub.Requests, r => r.Path.EndsWith("/priority/choices", StringComparison.Ordinal));
        Assert.DoesNotContain(stub.Requests, r => r.Path.EndsWith("/folder/choices", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_field_with_more_choices_than_the_client_reads_is_not_judged()
    {
        var many = Enumerable.Range(0, global::Zapier.Client.ActionRuns.Inputs.ActionInputValidator.MaxChoices + 1).Select(i => "c" + i).ToArray();
        using var stub = Stub(choices: many);
        var inputs = new Dictionary<string, object?>(ValidInputs) { ["priority"] = "not-among-them" };

        var run = await stub.DriveAsync(stub.Client.StartActionRunAsync(Request(inputs)));

        Assert.Equal("arun_1", run.Id);
        Assert.Single(stub.Requests, r => r.Path.EndsWith("/priority/choices", StringComparison.Ordinal)); // read, then not judged
    }

    [Fact]
    public async Task A_field_that_changes_the_others_makes_the_client_fetch_them_again_with_its_value_step_by_step()
    {
        // spreadsheet -> worksheet -> the worksheet's columns, as in Zapier's guide to fields and fieldsets.
        using var stub = new PagedStub(r => r.Path switch
        {
            "/v2/actions/sheets:add_row/inputs" => Fields(SheetFields(PagedStub.BodyOf(r)!["data"]!["inputs"]!.AsObject())),
            "/v2/action-runs" => Created,
            var other => FaultAnswer.Error(404, ("X-Path", other)),
        });
        var request = new ActionRunRequest("sheets:add_row")
        {
            Authentication = null,
            ValidateInputs = true,
            Inputs = new Dictionary<string, object?> { ["spreadsheet"] = "s-1", ["worksheet"] = "w-2", ["total"] = "a lot" },
        };

        var error = await Assert.ThrowsAsync<InvalidActionInputsException>(() => stub.DriveAsync(stub.Client.StartActionRunAsync(request)));

        Assert.Equal(("total", ActionInputProblemKind.WrongType), (error.Problems.Single().Field, error.Problems.Single().Kind));
        Assert.Collection(stub.Requests,
            r => Assert.Null(Json.Diff(JsonNode.Parse("""{"data":{"authentication":null,"inputs":{}}}"""), PagedStub.BodyOf(r))),
            r => Assert.Null(Json.Diff(JsonNode.Parse("""{"data":{"authentication":null,"inputs":{"spreadsheet":"s-1"}}}"""), PagedStub.BodyOf(r))),
            r => Assert.Null(Json.Diff(JsonNode.Parse("""{"data":{"authentication":null,"inputs":{"spreadsheet":"s-1","worksheet":"w-2"}}}"""), PagedStub.BodyOf(r))));
    }

    [Fact]
    public async Task A_required_field_that_appears_only_for_the_inputs_given_is_asked_for()
    {
        using var stub = new PagedStub(r => r.Path == "/v2/action-runs" ? Created : Fields(SheetFields(PagedStub.BodyOf(r)!["data"]!["inputs"]!.AsObject())));
        var request = new ActionRunRequest("sheets:add_row") { ValidateInputs = true, Inputs = new Dictionary<string, object?> { ["spreadsheet"] = "s-1" } };

        var error = await Assert.ThrowsAsync<InvalidActionInputsException>(() => stub.DriveAsync(stub.Client.StartActionRunAsync(request)));

        Assert.Equal([("worksheet", ActionInputProblemKind.Missing)], error.Problems.Select(p => (p.Field, p.Kind)));
    }

    [Fact]
    public async Task Repeated_runs_reuse_the_fields_and_choices_until_the_cache_lifetime_passes()
    {
        using var stub = Stub();

        await stub.DriveAsync(stub.Client.StartActionRunAsync(Request(ValidInputs)));
        await stub.DriveAsync(stub.Client.StartActionRunAsync(Request(ValidInputs)));
        var cachedFetches = stub.Requests.Count(r => r.Path.StartsWith("/v2/actions/", StringComparison.Ordinal));
        stub.Clock.Advance(TimeSpan.FromMinutes(15));
        await stub.DriveAsync(stub.Client.StartActionRunAsync(Request(ValidInputs)));

        Assert.Equal(2, cachedFetches); // the fields once, priority's choices once
        Assert.Equal(4, stub.Requests.Count(r => r.Path.StartsWith("/v2/actions/", StringComparison.Ordinal)));
        Assert.Equal(3, stub.Requests.Count(r => r.Path == "/v2/action-runs"));
    }

    [Fact]
    public async Task The_cache_is_per_authentication()
    {
        using var stub = Stub();

        await stub.DriveAsync(stub.Client.StartActionRunAsync(Request(ValidInputs)));
        await stub.DriveAsync(stub.Client.StartActionRunAsync(Request(ValidInputs, authentication: "auth-2")));

        Assert.Equal(["auth-1", "auth-2"], stub.Requests.Where(r => r.Path.EndsWith("/inputs", StringComparison.Ordinal))
            .Select(r => (string?)PagedStub.BodyOf(r)!["data"]!["authentication"]));
    }

    [Fact]
    public async Task Through_user_views_the_fields_are_fetched_per_user_with_that_users_token_and_never_shared()
    {
        using var stub = Stub();

        await stub.DriveAsync(stub.Client.ForUser("token-a").StartActionRunAsync(Request(ValidInputs)));
        await stub.DriveAsync(stub.Client.ForUser("token-b").StartActionRunAsync(Request(ValidInputs)));
        await stub.DriveAsync(stub.Client.ForUser("token-a").StartActionRunAsync(Request(ValidInputs)));

        Assert.Equal(["Bearer token-a", "Bearer token-b"], stub.Requests.Where(r => r.Path.EndsWith("/inputs", StringComparison.Ordinal))
            .Select(r => r.Headers!["Authorization"].Single()));
        Assert.Equal(["Bearer token-a", "Bearer token-b", "Bearer token-a"], stub.Requests.Where(r => r.Path == "/v2/action-runs")
            .Select(r => r.Headers!["Authorization"].Single()));
    }

    [Fact]
    public async Task A_zero_cache_lifetime_fetches_the_fields_for_every_validated_run()
    {
        using var stub = Stub(cache: TimeSpan.Zero);

        await stub.DriveAsync(stub.Client.StartActionRunAsync(Request(ValidInputs)));
        await stub.DriveAsync(stub.Client.StartActionRunAsync(Request(ValidInputs)));

        Assert.Equal(2, stub.Requests.Count(r => r.Path.EndsWith("/inputs", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Without_the_option_nothing_is_checked_and_nothing_more_is_sent()
    {
        using var stub = Stub();
        var request = new ActionRunRequest(Action) { Authentication = "auth-1", Inputs = new Dictionary<string, object?> { ["count"] = "forty-two" } };

        var run = await stub.DriveAsync(stub.Client.StartActionRunAsync(request));

        Assert.Equal("arun_1", run.Id);
        Assert.Equal("/v2/action-runs", Assert.Single(stub.Requests).Path);
    }

    [Fact]
    public void A_negative_cache_lifetime_is_refused_when_the_client_is_made()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ZapierClient(new ZapierClientOptions
        {
            AccessToken = "t", InputFieldsCacheDuration = TimeSpan.FromSeconds(-1),
        }));

        Assert.Equal("InputFieldsCacheDuration", error.ParamName);
    }

    [Fact]
    public async Task A_number_matches_a_choice_with_the_same_value_written_differently()
    {
        using var stub = Stub(choices: ["1.50", "2"]);

        var run = await stub.DriveAsync(stub.Client.StartActionRunAsync(Request(new Dictionary<string, object?>(ValidInputs) { ["priority"] = 1.5m })));

        Assert.Equal("arun_1", run.Id);
    }

    [Fact]
    public async Task Choices_that_cannot_be_read_are_not_judged_and_the_run_is_created()
    {
        using var stub = new PagedStub(r => r.Path switch
        {
            "/v2/actions/core:mailer/inputs" => Fields(MailerFields),
            "/v2/actions/core:mailer/inputs/priority/choices" => FaultAnswer.Error(400),
            "/v2/action-runs" => Created,
            var other => FaultAnswer.Error(404, ("X-Path", other)),
        });

        var run = await stub.DriveAsync(stub.Client.StartActionRunAsync(Request(new Dictionary<string, object?>(ValidInputs) { ["priority"] = "not-a-choice" })));

        Assert.Equal("arun_1", run.Id);
        Assert.Single(stub.Requests, r => r.Path == "/v2/action-runs");
    }

    private static readonly FaultAnswer Created = FaultAnswer.Json(200, """{"data":{"type":"run","id":"arun_1"}}""");

    private static ActionRunRequest Request(IDictionary<string, object?> inputs, string authentication = "auth-1") =>
        new(Action) { Authentication = authentication, Inputs = inputs, ValidateInputs = true };

    private static PagedStub Stub(string[]? choices = null, TimeSpan? cache = null) => new(r => r.Path switch
    {
        "/v2/actions/core:mailer/inputs" => Fields(MailerFields),
        "/v2/actions/core:mailer/inputs/priority/choices" => Choices(choices ?? PriorityChoices),
        "/v2/action-runs" => Created,
        var other => FaultAnswer.Error(404, ("X-Path", other)),
    }, cache);

    private static FaultAnswer Fields(JsonArray fields) => FaultAnswer.Json(200, new JsonObject
    {
        ["links"] = new JsonObject { ["next"] = null, ["prev"] = null },
        ["meta"] = new JsonObject { ["count"] = fields.Count, ["limit"] = null, ["offset"] = 0 },
        ["data"] = fields.DeepClone(),
    }.ToJsonString());

    private static FaultAnswer Choices(string[] values) => FaultAnswer.Json(200, new JsonObject
    {
        ["data"] = new JsonArray([.. values.Select(v => (JsonNode)new JsonObject { ["id"] = v, ["type"] = "choice", ["label"] = v.ToUpperInvariant(), ["value"] = v })]),
        ["links"] = new JsonObject { ["next"] = null, ["prev"] = null },
        ["meta"] = new JsonObject { ["page"] = 1 },
    }.ToJsonString());

    /// <summary>The fields of adding a row: the worksheet once a spreadsheet is chosen, the columns once a worksheet is.</summary>
    private static JsonArray SheetFields(JsonObject inputs)
    {
        var fields = new JsonArray(Field("spreadsheet", "STRING", required: true, invalidates: true));
        if (inputs.ContainsKey("spreadsheet"))
        {
            fields.Add(Field("worksheet", "STRING", required: true, invalidates: true, dependsOn: ["spreadsheet"]));
        }

        if (inputs.ContainsKey("worksheet"))
        {
            fields.Add(Field("total", "INTEGER", required: true, dependsOn: ["spreadsheet", "worksheet"]));
        }

        return fields;
    }

    private static JsonObject Field(
        string id, string valueType, bool required = false, string defaultValue = "", string? format = null, string? title = null,
        bool invalidates = false, string[]? dependsOn = null, JsonObject? items = null)
    {
        var field = new JsonObject
        {
            ["type"] = "input_field",
            ["id"] = id,
            ["default_value"] = defaultValue,
            ["depends_on"] = new JsonArray([.. (dependsOn ?? []).Select(d => (JsonNode)d)]),
            ["description"] = "The " + id + ".",
            ["invalidates_input_fields"] = invalidates,
            ["is_required"] = required,
            ["items"] = items ?? new JsonObject(),
            ["placeholder"] = "",
            ["title"] = title ?? id,
            ["value_type"] = valueType,
        };
        if (format is not null)
        {
            field["format"] = format;
        }

        return field;
    }

    private static System.Text.Json.JsonElement Element(string json) => System.Text.Json.JsonDocument.Parse(json).RootElement.Clone();

    private static class Json
    {
        public static string? Diff(JsonNode? expected, JsonNode? actual) => Support.JsonDiff.FirstDifference(expected, actual);
    }
}
