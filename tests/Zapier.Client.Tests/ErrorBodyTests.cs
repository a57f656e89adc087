using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Zapier.Client.Errors;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests;

/// <summary>
/// Error bodies that are not Zapier's errors[] (an RFC 9457 problem document, a gateway's message or error field,
/// an empty errors list, a JSON value of the wrong kind) keep their details in the exception.
/// </summary>
public sealed class ErrorBodyTests(StubServerFixture stub) : IClassFixture<StubServerFixture>
{
    private const string Problem = """
        {"type":"https://example.com/probs/invalid","title":"Validation failed","status":500,"detail":"The inputs were rejected.","validation":[{"field":"email","message":"required"}]}
        """;

    [Fact]
    public async Task A_problem_document_puts_its_title_and_detail_in_the_message_and_keeps_the_body()
    {
        Respond(500, "application/problem+json", Problem);
        using var client = TestCredentials.Client(stub.BaseUrl);

        var error = await Assert.ThrowsAsync<ZapierApiException>(() => client.V2.ActionRuns["r"].GetAsync());

        Assert.Equal(500, error.StatusCode);
        Assert.Empty(error.Errors);
        Assert.Contains("failed with 500 (Internal Server Error): Validation failed: The inputs were rejected.", error.Message, StringComparison.Ordinal);
        Assert.Equal(Problem.Trim(), error.BodySnippet);
    }

    [Theory]
    [InlineData(502, """{"message":"Endpoint request timed out"}""", "Endpoint request timed out")]
    [InlineData(400, """{"error":"invalid_request","error_description":"ignored"}""", "invalid_request")]
    [InlineData(403, """{"message":"Forbidden","error":"waf"}""", "Forbidden")]
    public async Task A_gateway_message_or_error_field_appears_in_the_message_and_the_body_is_kept(int status, string body, string shown)
    {
        Respond(status, "application/json", body);
        using var client = TestCredentials.Client(stub.BaseUrl);

        var error = await Assert.ThrowsAsync<ZapierApiException>(() => client.V2.ActionRuns["r"].GetAsync());

        Assert.Equal(status, error.StatusCode);
        Assert.Contains("): " + shown + ".", error.Message, StringComparison.Ordinal);
        Assert.Equal(body, error.BodySnippet);
    }

    [Fact]
    public async Task An_empty_errors_list_keeps_the_body()
    {
        const string Body = """{"errors":[],"note":"maintenance window"}""";
        Respond(503, "application/json", Body);
        using var client = TestCredentials.Client(stub.BaseUrl);

        var error = await Assert.ThrowsAsync<ZapierApiException>(() => client.V2.ActionRuns["r"].GetAsync());

        Assert.Empty(error.Errors);
        Assert.Equal(Body, error.BodySnippet);
        Assert.Contains("The body starts: " + Body, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Zapier_errors_need_no_body_quote()
    {
        Respond(404, "application/json", """{"errors":[{"status":404,"code":"not_found","title":"NotFound","detail":"No such run."}]}""");
        using var client = TestCredentials.Client(stub.BaseUrl);

        var error = await Assert.ThrowsAsync<ZapierApiException>(() => client.V2.ActionRuns["r"].GetAsync());

        Assert.Equal("not_found", Assert.Single(error.Errors).Code);
        Assert.Null(error.BodySnippet);
    }

    [Theory]
    [InlineData("\"Internal Server Error\"")]
    [InlineData("""["upstream","failed"]""")]
    public async Task An_error_body_of_the_wrong_json_kind_keeps_the_status_and_the_body(string body)
    {
        Respond(500, "application/json", body);
        using var client = TestCredentials.Client(stub.BaseUrl);

        var error = await Assert.ThrowsAsync<ZapierApiException>(() => client.V2.ActionRuns["r"].GetAsync());

        Assert.Equal(500, error.StatusCode);
        Assert.Equal(body, error.BodySnippet);
    }

    [Fact]
    public async Task A_long_gateway_message_is_shortened_and_a_bearer_token_in_it_is_not_repeated()
    {
        var message = "Rejected header Authorization: Bearer " + TestCredentials.AccessToken + " " + new string('x', 2000);
        Respond(401, "application/json", $$"""{"message":"{{message}}"}""");
        using var client = TestCredentials.Client(stub.BaseUrl);

        var error = await Assert.ThrowsAsync<ZapierApiException>(() => client.V2.ActionRuns["r"].GetAsync());

        Assert.Contains("Rejected header Authorization: Bearer", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestCredentials.AccessToken, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestCredentials.AccessToken, error.BodySnippet!, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 600, $"{error.Message.Length} characters");
    }

    private void Respond(int status, string contentType, string body)
    {
        stub.Server.Reset();
        stub.Server.Given(Request.Create().UsingGet())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", contentType).WithBody(body));
    }
}
