using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Zapier.Client.Errors;
using Zapier.Client.Serialization;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests;

/// <summary>
/// A body whose top-level JSON kind does not match what the operation answers is refused with a typed error quoting
/// it, never read as an empty model; the list responses upstream declares as an array of pages are read in both forms.
/// </summary>
public sealed class ResponseShapeTests(StubServerFixture stub) : IClassFixture<StubServerFixture>
{
    [Theory]
    [InlineData("""[{"data":{"type":"run","status":"success","errors":[]}}]""")]
    [InlineData("[]")]
    [InlineData("\"success\"")]
    [InlineData("42")]
    [InlineData("true")]
    public async Task A_body_that_is_not_an_object_where_a_model_is_expected_is_a_protocol_error_quoting_it(string body)
    {
        Respond("GET", 200, body);
        using var client = TestCredentials.Client(stub.BaseUrl);

        var error = await Assert.ThrowsAsync<ZapierProtocolException>(() => client.V2.ActionRuns["r"].GetAsync());

        Assert.Equal(body, error.BodySnippet);
        Assert.Contains("object", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"objects":[{"id":1}]}""")]
    [InlineData("\"none\"")]
    [InlineData("7")]
    public async Task A_body_that_is_not_an_array_where_a_list_is_expected_is_a_protocol_error_quoting_it(string body)
    {
        Respond("GET", 200, body);
        using var client = TestCredentials.Client(stub.BaseUrl);

        var error = await Assert.ThrowsAsync<ZapierProtocolException>(() => client.V1.ZapTemplates.GetAsync());

        Assert.Equal(body, error.BodySnippet);
        Assert.Contains("array", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_list_answered_as_an_array_is_read_item_by_item()
    {
        Respond("GET", 200, """[{"id":1,"title":"One"},{"id":2,"title":"Two"}]""");
        using var client = TestCredentials.Client(stub.BaseUrl);

        var templates = await client.V1.ZapTemplates.GetAsync();

        Assert.Equal(["One", "Two"], templates!.Select(t => t.Title));
    }

    [Fact]
    public async Task A_long_body_of_the_wrong_kind_is_quoted_by_its_start_only()
    {
        var body = "[" + string.Join(',', Enumerable.Repeat("""{"data":{"type":"run","status":"waiting"}}""", 200)) + "]";
        Respond("GET", 200, body);
        using var client = TestCredentials.Client(stub.BaseUrl);

        var error = await Assert.ThrowsAsync<ZapierProtocolException>(() => client.V2.ActionRuns["r"].GetAsync());

        Assert.Equal(body[..ZapierParseNodeFactory.SnippetLength] + "…", error.BodySnippet);
    }

    [Theory]
    [MemberData(nameof(CorrectionTests.EnvelopeOperations), MemberType = typeof(CorrectionTests))]
    public async Task A_list_page_reads_the_same_as_one_object_and_as_an_array_of_pages(string operationId)
    {
        var operation = ApiSchema.Effective.Operation(operationId);
        var schema = operation.ResponseSchema("200")!;
        var first = SampleValues.For(schema, "first")!.AsObject();
        var second = SampleValues.For(schema, "second")!.AsObject();
        var items = second.Single(p => p.Value is JsonArray).Key; // data (v2) or objects (v1)

        // One object: read as it is.
        var single = await Invoke(operation, second);
        Assert.Null(JsonDiff.FirstDifference(second, KiotaModelJson.Read(single, schema).Json));

        // An array of pages: one page with the items of every page, in order, and the rest from the last page.
        var paged = await Invoke(operation, new JsonArray(first.DeepClone(), second.DeepClone()));
        var expected = second.DeepClone().AsObject();
        expected[items] = new JsonArray([.. first[items]!.AsArray().Concat(second[items]!.AsArray()).Select(i => i?.DeepClone())]);
        Assert.Null(JsonDiff.FirstDifference(expected, KiotaModelJson.Read(paged, schema).Json));
        Assert.Equal(first[items]!.AsArray().Count + second[items]!.AsArray().Count, ((JsonArray)KiotaModelJson.Read(paged, schema).Json![items]!).Count);
    }

    [Fact]
    public async Task An_array_of_pages_holding_something_other_than_pages_is_a_protocol_error()
    {
        Respond("GET", 200, """[{"links":{},"meta":{},"data":[]},"page two"]""");
        using var client = TestCredentials.Client(stub.BaseUrl);

        var error = await Assert.ThrowsAsync<ZapierProtocolException>(() => client.V2.ZapRuns.GetAsync());

        Assert.StartsWith("[{\"links\"", error.BodySnippet, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_array_of_pages_is_a_page_without_items()
    {
        Respond("GET", 200, "[]");
        using var client = TestCredentials.Client(stub.BaseUrl);

        var page = await client.V2.ZapRuns.GetAsync();

        Assert.NotNull(page);
        Assert.Null(page.Data);
        Assert.Empty(page.AdditionalData);
    }

    [Fact]
    public void The_responses_read_as_an_array_of_pages_are_exactly_the_envelopes_the_corrections_made_single_objects()
    {
        IEnumerable<object[]> rows = CorrectionTests.EnvelopeOperations();
        var corrected = rows
            .Select(row => GeneratedNames.ModelFor(ApiSchema.RefName(ApiSchema.Effective.Operation((string)row[0]).ResponseSchema("200"))!))
            .ToHashSet();

        Assert.Equal(corrected.OrderBy(t => t.Name), PageArrays.Types.OrderBy(t => t.Name));
    }

    private async Task<object?> Invoke(ApiOperation operation, JsonNode body)
    {
        Respond(operation.Method, 200, body.ToJsonString());
        var exchange = Contract.ContractExchange.For(operation, "200");
        using var client = TestCredentials.Client(stub.BaseUrl);
        return await KiotaInvoker.InvokeAsync(client, operation, exchange.PathValues, new Dictionary<string, JsonNode?>(), exchange.RequestBody);
    }

    private void Respond(string method, int status, string body)
    {
        stub.Server.Reset();
        stub.Server.Given(Request.Create().UsingMethod(method))
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));
    }
}
