using System.Text.RegularExpressions;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Zapier.Client.Resilience;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests.Pipeline;

/// <summary>What the request pipeline promises beyond the fault catalog: its documented table, its identity, Kiota's options.</summary>
public sealed partial class PipelineTests(StubServerFixture stub) : IClassFixture<StubServerFixture>
{
    [Fact]
    public void The_readme_transience_table_is_the_classifier()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var rows = readme.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && l.Contains("| transient", StringComparison.Ordinal)
                                                 || l.StartsWith("| other 4xx", StringComparison.Ordinal)).ToList();
        var documentedTransient = rows.Where(r => r.Contains("| transient", StringComparison.Ordinal))
            .SelectMany(r => Statuses().Matches(r.Split('|')[1]).Select(m => int.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture)))
            .ToHashSet();

        Assert.Equal(OutcomeClassifier.TransientStatuses.Order(), documentedTransient.Order());
        for (var status = 100; status < 600; status++)
        {
            var expected = status < 400 ? OutcomeKind.Success : documentedTransient.Contains(status) ? OutcomeKind.Transient : OutcomeKind.Final;
            Assert.Equal(expected, OutcomeClassifier.Classify(status));
        }

        Assert.True(OutcomeClassifier.MayResend(HttpMethod.Post, 429, null));
        Assert.False(OutcomeClassifier.MayResend(HttpMethod.Post, 503, null));
        Assert.True(OutcomeClassifier.MayResend(HttpMethod.Get, 500, null));
        Assert.False(OutcomeClassifier.MayResend(HttpMethod.Get, 404, null));
    }

    [Fact]
    public void No_url_template_needs_the_kiota_handlers_the_pipeline_leaves_out()
    {
        // Kiota's ParametersNameDecodingHandler decodes query parameter names it had to encode (e.g. "$select" or
        // "a.b"); the pipeline leaves it out because no query parameter of this schema needs that.
        var generated = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "generated"), "*.cs", SearchOption.AllDirectories);
        var templates = generated.SelectMany(f => Templates().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)).Distinct().ToList();

        Assert.NotEmpty(templates);
        var encodedQueryNames = templates.Where(t => t.IndexOf('?') is var q && q >= 0 && t[q..].Contains('%', StringComparison.Ordinal)).ToList();
        Assert.Empty(encodedQueryNames);
    }

    [Fact]
    public async Task Requests_name_the_client_and_kiota_response_header_inspection_still_works()
    {
        stub.Server.Reset();
        stub.Server.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithHeader("X-Request-Id", "req-7")
            .WithBody("""{"data":{"type":"run","status":"success","errors":[]}}"""));
        using var client = TestCredentials.Client(stub.BaseUrl);
        var inspection = new HeadersInspectionHandlerOption { InspectResponseHeaders = true };

        var run = await client.V2.ActionRuns["r"].GetAsync(c => c.Options.Add(inspection));

        Assert.NotNull(run?.Data);
        Assert.Equal(["req-7"], inspection.ResponseHeaders["X-Request-Id"]);
        var agent = Assert.Single(stub.Server.LogEntries).RequestMessage.Headers!["User-Agent"].Single();
        Assert.Matches(@"^Zapier\.Client/\d+\.\d+\.\d+ kiota-dotnet/\d+\.\d+\.\d+$", agent);
    }

    [Fact]
    public async Task Changing_the_options_after_construction_changes_nothing()
    {
        stub.Server.Reset();
        stub.Server.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithBody("""{"data":{"type":"run","status":"success","errors":[]}}"""));
        var options = new ZapierClientOptions { BaseUrl = stub.BaseUrl, AccessToken = TestCredentials.AccessToken };
        using var client = new ZapierClient(options);

        options.BaseUrl = new Uri("https://elsewhere.example.com");
        options.AccessToken = "changed";
        await client.V2.ActionRuns["r"].GetAsync();

        Assert.Equal(stub.BaseUrl, client.BaseUrl);
        Assert.Equal("Bearer " + TestCredentials.AccessToken, Assert.Single(stub.Server.LogEntries).RequestMessage.Headers!["Authorization"].Single());
    }

    [Fact]
    public async Task A_transport_that_follows_redirects_by_default_is_made_to_leave_them_to_the_client()
    {
        using var elsewhere = WireMock.Server.WireMockServer.Start(new WireMock.Settings.WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = false });
        elsewhere.Given(Request.Create()).RespondWith(Response.Create().WithStatusCode(200));
        stub.Server.Reset();
        stub.Server.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", elsewhere.Urls[0] + "/v2/action-runs/r"));
        using var transport = new SocketsHttpHandler(); // AllowAutoRedirect is true by default
        using var client = new ZapierClient(transport, new ZapierClientOptions { BaseUrl = stub.BaseUrl, AccessToken = TestCredentials.AccessToken });

        await Assert.ThrowsAsync<Errors.ZapierProtocolException>(() => client.V2.ActionRuns["r"].GetAsync());

        Assert.False(transport.AllowAutoRedirect);
        Assert.Empty(elsewhere.LogEntries);
    }

    [Fact]
    public async Task A_used_transport_that_follows_redirects_is_refused_with_a_clear_error()
    {
        stub.Server.Reset();
        stub.Server.Given(Request.Create()).RespondWith(Response.Create().WithStatusCode(200));
        using var transport = new SocketsHttpHandler();
        using (var http = new HttpClient(transport, disposeHandler: false))
        {
            using var _ = await http.GetAsync(stub.BaseUrl);
        }

        var error = Assert.Throws<ArgumentException>(() => new ZapierClient(transport, new ZapierClientOptions { BaseUrl = stub.BaseUrl, AccessToken = "t" }));

        Assert.Contains("AllowAutoRedirect = false", error.Message, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\b\d{3}\b")]
    private static partial Regex Statuses();

    [GeneratedRegex("\"(\\{\\+baseurl\\}[^\"]*)\"")]
    private static partial Regex Templates();
}
