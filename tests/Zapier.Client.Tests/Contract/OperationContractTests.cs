using System.Text.Json.Nodes;
using Microsoft.Kiota.Abstractions.Serialization;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Zapier.Client.Errors;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests.Contract;

/// <summary>
/// For every operation of the schema and every response status it documents: the stub answers a body valid for that
/// response, the client's outcome is checked (typed model with the stub's values, or a typed error with status,
/// errors[] and headers), the request is checked against the schema, and NSwag's reading of the body must agree with
/// Kiota's field by field. Cases come from the schema, so a new operation or status is covered without new code.
/// </summary>
public sealed class OperationContractTests(StubServerFixture stub) : IClassFixture<StubServerFixture>
{
    private const string RedirectTarget = "/__redirect-target";

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var operation in ApiSchema.Effective.Operations)
        {
            foreach (var status in operation.Statuses)
            {
                cases.Add(operation.Id, status);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Documented_response_reaches_the_caller_typed_and_the_request_follows_the_schema(string operationId, string status)
    {
        var exchange = ContractExchange.For(ApiSchema.Effective.Operation(operationId), status);
        Arrange(exchange);

        using var client = TestCredentials.Client(stub.BaseUrl);
        Exception? error = null;
        object? result = null;
        try
        {
            result = await KiotaInvoker.InvokeAsync(client, exchange.Operation, exchange.PathValues, exchange.Query, exchange.RequestBody);
        }
        catch (Exception e)
        {
            error = e;
        }

        AssertRequest(exchange);
        switch (exchange.Status)
        {
            case >= 200 and < 300:
                Assert.Null(error);
                AssertSameBody(exchange, result);
                break;
            case >= 300 and < 400:
                // A redirect documented as an operation's answer (GET /v2/authorize) is meant for a browser: not followed.
                Assert.IsType<ZapierProtocolException>(error);
                Assert.DoesNotContain(stub.Server.LogEntries, e => e.RequestMessage.Path == RedirectTarget);
                break;
            default:
                AssertTypedError(exchange, error);
                break;
        }
    }

    [Fact]
    public void Every_operation_has_a_generated_method_and_every_documented_response_a_body_to_stub()
    {
        using var client = TestCredentials.Client(stub.BaseUrl);
        var problems = new List<string>();
        foreach (var operation in ApiSchema.Effective.Operations)
        {
            try
            {
                KiotaInvoker.Resolve(client, operation, ContractExchange.For(operation, operation.Statuses.First()).PathValues);
            }
            catch (InvalidOperationException e)
            {
                problems.Add(e.Message);
            }

            problems.AddRange(operation.Statuses
                .Where(status => ContractExchange.For(operation, status).ResponseSchema is null && status[0] is not ('1' or '3') && status != "204")
                .Select(status => $"{operation} {status}: no application/json schema to build a body from"));
        }

        Assert.Empty(problems);
    }

    private void Arrange(ContractExchange exchange)
    {
        var server = stub.Server;
        server.Reset();
        var response = Response.Create().WithStatusCode(exchange.Status);
        foreach (var (name, value) in exchange.ResponseHeaders)
        {
            response = response.WithHeader(name, value);
        }

        if (exchange.ResponseBody is not null)
        {
            response = response.WithHeader("Content-Type", "application/json").WithBody(exchange.ResponseBody.ToJsonString());
        }

        if (exchange.Status is >= 300 and < 400)
        {
            response = response.WithHeader("Location", stub.BaseUrl + RedirectTarget.TrimStart('/'));
            server.Given(Request.Create().WithPath(RedirectTarget)).AtPriority(1).RespondWith(Response.Create().WithStatusCode(204));
        }

        server.Given(Request.Create().UsingMethod(exchange.Operation.Method).WithPath(new RegexMatcher(".*"))).AtPriority(10).RespondWith(response);
    }

    private void AssertRequest(ContractExchange exchange)
    {
        var sent = Assert.Single(stub.Server.LogEntries, e => e.RequestMessage.Path != RedirectTarget).RequestMessage;
        Assert.Equal(exchange.Operation.Method, sent.Method);
        Assert.Equal(exchange.ExpectedRawPath, new Uri(sent.AbsoluteUrl).AbsolutePath);

        // Credentials exactly as the operation's security says, given both a token and a client id.
        var scheme = exchange.Operation.Security
            .FirstOrDefault(alternative => alternative.All(s => s is "OAuth" or "ClientIDAuthentication"));
        var headers = sent.Headers ?? new Dictionary<string, WireMock.Types.WireMockList<string>>();
        if (scheme?.Contains("OAuth") == true)
        {
            Assert.Equal("Bearer " + TestCredentials.AccessToken, Assert.Single(headers["Authorization"]));
        }
        else
        {
            Assert.False(headers.ContainsKey("Authorization"), $"{exchange.Operation} must not send a bearer token, sent " + (headers.TryGetValue("Authorization", out var sentAuth) ? string.Join(",", sentAuth) : ""));
        }

        var expectedQuery = exchange.Query.Keys.ToDictionary(k => k, exchange.WireValues);
        if (scheme?.Contains("ClientIDAuthentication") == true && !expectedQuery.ContainsKey("client_id"))
        {
            expectedQuery["client_id"] = [TestCredentials.ClientId];
        }

        var actualQuery = sent.Query ?? new Dictionary<string, WireMock.Types.WireMockList<string>>();
        Assert.Equal(expectedQuery.Keys.Order(), actualQuery.Keys.Order());
        foreach (var (name, values) in expectedQuery)
        {
            Assert.Equal(values, actualQuery[name].ToList());
        }

        if (exchange.RequestBody is not null)
        {
            Assert.StartsWith("application/json", headers["Content-Type"].Single(), StringComparison.Ordinal);
            var difference = JsonDiff.FirstDifference(exchange.RequestBody, JsonNode.Parse(sent.Body!));
            Assert.True(difference is null, "Request body differs from what the caller gave: " + difference);
        }
        else
        {
            Assert.True(string.IsNullOrEmpty(sent.Body), "No request body expected");
        }
    }

    private static void AssertSameBody(ContractExchange exchange, object? model)
    {
        var (kiota, missing) = KiotaModelJson.Read(model, exchange.ResponseSchema);
        Assert.True(missing.Count == 0, "The generated model has no place for: " + string.Join(", ", missing));
        var difference = JsonDiff.FirstDifference(exchange.ResponseBody, kiota);
        Assert.True(difference is null, "Kiota's model does not hold the stub's values: " + difference);
        if (exchange.ResponseSchema is not null)
        {
            var nswag = NSwagOracle.RoundTrip(exchange.ResponseSchema, exchange.ResponseBody!.ToJsonString());
            var disagreement = JsonDiff.FirstDifference(nswag, kiota);
            Assert.True(disagreement is null, "NSwag and Kiota read the body differently: " + disagreement);
        }
    }

    private static void AssertTypedError(ContractExchange exchange, Exception? error)
    {
        var api = Assert.IsType<ZapierApiException>(error);
        Assert.Equal(exchange.Status, api.StatusCode);
        Assert.Equal(ContractExchange.RequestId, api.RequestId);
        Assert.Contains(exchange.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), api.Message, StringComparison.Ordinal);
        Assert.Contains(ContractExchange.RequestId, api.Message, StringComparison.Ordinal);
        foreach (var (name, value) in exchange.ResponseHeaders)
        {
            Assert.Equal(value, api.Header(name));
        }

        // The generated error model for the documented schema is kept, with the stub's values.
        var componentName = ApiSchema.RefName(exchange.ResponseSchema);
        var inner = Assert.IsAssignableFrom<IParsable>(api.InnerException);
        Assert.Equal(GeneratedNames.Normalize(componentName!), GeneratedNames.Normalize(inner.GetType().Name));
        AssertSameBody(exchange, inner);

        if (exchange.ResponseBody?["errors"] is JsonArray errors)
        {
            Assert.Equal(errors.Count, api.Errors.Count);
            for (var i = 0; i < errors.Count; i++)
            {
                Assert.Equal((string?)errors[i]!["code"], api.Errors[i].Code);
                Assert.Equal(errors[i]!["status"]?.GetValue<long>(), (long?)api.Errors[i].Status);
                Assert.Contains((string)errors[i]!["code"]!, api.Message, StringComparison.Ordinal);
                Assert.Contains((string)errors[i]!["title"]!, api.Message, StringComparison.Ordinal);
                Assert.Contains((string)errors[i]!["detail"]!, api.Message, StringComparison.Ordinal);
            }
        }
    }

}
