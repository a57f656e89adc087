using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Zapier.Client.ActionRuns;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests.Hosting;

/// <summary>The listeners of the process-wide source and meter see every test's calls: these tests run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "telemetry";
}

/// <summary>Spans and metrics through the real OpenTelemetry SDK and its in-memory exporter, against WireMock.Net.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests : IDisposable
{
    private const string Secret = "query-secret-91c";
    private readonly StubServerFixture _stub = new();
    private readonly List<Activity> _spans = [];
    private readonly List<Metric> _metrics = [];
    private readonly TracerProvider _tracing;
    private readonly MeterProvider _meters;
    private readonly CapturingLoggerProvider _logs = new();

    public TelemetryTests()
    {
        _tracing = Sdk.CreateTracerProviderBuilder().AddSource(ZapierDiagnostics.Name).AddInMemoryExporter(_spans).Build()!;
        _meters = Sdk.CreateMeterProviderBuilder().AddMeter(ZapierDiagnostics.Name).AddInMemoryExporter(_metrics).Build()!;
    }

    [Fact]
    public async Task A_retried_get_is_one_span_with_its_route_status_and_resend_count_and_counted_in_the_metrics()
    {
        var requests = 0;
        _stub.Server.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithCallback(_ => Interlocked.Increment(ref requests) == 1
            ? new WireMock.ResponseMessage { StatusCode = 503 }
            : Faults.FaultAnswer.Message(200, """{"data":{"type":"run","status":"success","errors":[]}}""")));
        using var client = Client();

        var run = await client.V2.ActionRuns["run-" + Secret].GetAsync();

        Assert.Equal(Generated.Models.ActionRunResponseStatusEnum.Success, run!.Data!.Status);
        var span = Assert.Single(_spans);
        Assert.Equal("GET /v2/action-runs/{id}", span.DisplayName);
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal("GET", span.GetTagItem("http.request.method"));
        Assert.Equal("/v2/action-runs/{id}", span.GetTagItem("url.template"));
        Assert.Equal("retrieve-action-run", span.GetTagItem("zapier.operation.id"));
        Assert.Equal(200, span.GetTagItem("http.response.status_code"));
        Assert.Equal(1, span.GetTagItem("http.request.resend_count"));
        Assert.Null(span.GetTagItem("error.type"));

        _meters.ForceFlush();
        Assert.Equal(1, Count("zapier.client.request.duration", ("http.response.status_code", 200)));
        Assert.Equal(1, Sum("zapier.client.request.retries", ("zapier.retry.reason", "503")));
        Assert.Equal(2, Count("zapier.client.budget.wait.duration"));
        AssertNoSecrets();
    }

    [Fact]
    public async Task A_failed_call_carries_its_error_type_and_a_429_is_counted()
    {
        _stub.Server.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "3600"));
        using var client = Client();

        await Assert.ThrowsAsync<Errors.ZapierApiException>(() => client.V2.Apps.GetAsync(q => q.QueryParameters.Query = Secret));

        var span = Assert.Single(_spans);
        Assert.Equal("429", span.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        _meters.ForceFlush();
        Assert.Equal(1, Sum("zapier.client.rate_limited"));
        Assert.Equal(1, Count("zapier.client.request.duration", ("error.type", "429")));
        AssertNoSecrets();
    }

    [Fact]
    public async Task An_id_in_the_path_of_a_failed_call_reaches_no_span_metric_or_log()
    {
        _stub.Server.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithStatusCode(404)
            .WithHeader("Content-Type", "application/json").WithBody("""{"errors":[{"status":404,"code":"not_found","title":"Not found"}]}"""));
        using var client = Client();

        var error = await Assert.ThrowsAsync<Errors.ZapierApiException>(() => client.V2.ActionRuns["customer-" + Secret].GetAsync());

        Assert.Equal(404, error.StatusCode);
        Assert.Contains(_logs.Lines, l => l.Contains("GET /v2/action-runs/{id} failed", StringComparison.Ordinal));
        Assert.DoesNotContain(TestCredentials.AccessToken, error.ToString(), StringComparison.Ordinal);
        AssertNoSecrets();
    }

    [Fact]
    public async Task A_wait_is_one_span_over_its_polls_with_outcome_status_and_poll_count()
    {
        var polls = 0;
        _stub.Server.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithCallback(_ => Faults.FaultAnswer.Message(200, Interlocked.Increment(ref polls) < 2
            ? """{"data":{"type":"run","status":"waiting","errors":[]}}"""
            : """{"data":{"type":"run","status":"success","errors":[]}}""")));
        using var client = Client();

        var state = await client.GetActionRun("run-7").WaitForCompletionAsync(
            ActionRunWaitOptions.Default with { InitialDelay = TimeSpan.Zero, MinimumInterval = TimeSpan.Zero, MaxDelay = TimeSpan.FromMilliseconds(10) });

        Assert.True(state.Succeeded);
        var wait = Assert.Single(_spans, s => s.DisplayName == "zapier.action_run.wait");
        var pollSpans = _spans.Where(s => s.DisplayName == "GET /v2/action-runs/{id}").ToList();
        Assert.Equal(2, pollSpans.Count);
        Assert.All(pollSpans, p => Assert.Equal(wait.SpanId, p.ParentSpanId));
        Assert.Equal("run-7", wait.GetTagItem("zapier.action_run.id"));
        Assert.Equal("success", wait.GetTagItem("zapier.action_run.outcome"));
        Assert.Equal("success", wait.GetTagItem("zapier.action_run.status"));
        Assert.Equal(2, wait.GetTagItem("zapier.action_run.polls"));
        Assert.Equal("poll", wait.GetTagItem("zapier.action_run.ended_by"));
        _meters.ForceFlush();
        Assert.Equal(2, Sum("zapier.client.action_run.polls"));
        Assert.Equal(1, Count("zapier.client.action_run.wait.duration", ("zapier.action_run.outcome", "success")));
        Assert.Equal(0, Sum("zapier.client.action_run.waits.active"));
        AssertNoSecrets();
    }

    [Fact]
    public async Task A_wait_ended_by_its_callback_says_so_in_its_span_and_metrics()
    {
        _stub.Server.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithCallback(_ => Faults.FaultAnswer.Message(200, """{"data":{"type":"run","status":"waiting","errors":[]}}""")));
        var channel = new InProcessActionRunCompletionChannel();
        using var client = new ZapierClient(new ZapierClientOptions { BaseUrl = _stub.BaseUrl, AccessToken = TestCredentials.AccessToken, ActionRunCompletions = channel });
        var wait = client.GetActionRun("run-8").WaitForCompletionAsync(ActionRunWaitOptions.Default with { InitialDelay = TimeSpan.FromHours(1) });
        while (client.Scheduler.Queued == 0)
        {
            await client.Scheduler.WhenChangedAsync();
        }

        Assert.True(ActionRunCompletion.TryParse("""{"data":{"type":"run","id":"run-8","status":"success","results":[],"errors":[]}}"""u8.ToArray(), out var completion, out _));
        await channel.PublishAsync(completion);
        var state = await wait;

        Assert.True(state.Succeeded);
        var span = Assert.Single(_spans, s => s.DisplayName == "zapier.action_run.wait");
        Assert.Equal("callback", span.GetTagItem("zapier.action_run.ended_by"));
        Assert.Equal("success", span.GetTagItem("zapier.action_run.outcome"));
        Assert.Equal(0, span.GetTagItem("zapier.action_run.polls"));
        _meters.ForceFlush();
        Assert.Equal(1, Count("zapier.client.action_run.wait.duration", ("zapier.action_run.ended_by", "callback")));
        Assert.Equal(0, Sum("zapier.client.action_run.waits.active"));
    }

    [Fact]
    public async Task A_wait_that_throws_on_an_error_run_is_ended_once_in_the_metrics()
    {
        _stub.Server.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithCallback(_ => Faults.FaultAnswer.Message(200, """{"data":{"type":"run","status":"error","errors":[]}}""")));
        using var client = Client();

        await Assert.ThrowsAsync<ActionRunFailedException>(() => client.GetActionRun("run-9").WaitForCompletionAsync(
            ActionRunWaitOptions.Default with { InitialDelay = TimeSpan.Zero, ThrowOnError = true }));

        _meters.ForceFlush();
        Assert.Equal(1, Count("zapier.client.action_run.wait.duration"));
        Assert.Equal(1, Count("zapier.client.action_run.wait.duration", ("zapier.action_run.outcome", "error")));
        Assert.Equal(0, Sum("zapier.client.action_run.waits.active"));
    }

    public void Dispose()
    {
        _tracing.Dispose();
        _meters.Dispose();
        _stub.Dispose();
    }

    private ZapierClient Client() => new(new ZapierClientOptions
    {
        BaseUrl = _stub.BaseUrl,
        AccessToken = TestCredentials.AccessToken,
        ClientId = TestCredentials.ClientId,
        LoggerFactory = _logs,
        RequestsPerMinute = 6000,
        Retry = ZapierRetryOptions.Default with { BaseDelay = TimeSpan.Zero },
    });

    /// <summary>No tag of a span or a metric point, and no log line, holds the token, the client id or a query value.</summary>
    private void AssertNoSecrets()
    {
        var values = _spans.SelectMany(s => s.TagObjects).Select(t => $"{t.Key}={t.Value}").ToList();
        foreach (var metric in _metrics)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                foreach (var tag in point.Tags)
                {
                    values.Add($"{tag.Key}={tag.Value}");
                }
            }
        }

        values.AddRange(_logs.Lines);
        Assert.NotEmpty(values);
        Assert.DoesNotContain(values, v => v.Contains(TestCredentials.AccessToken, StringComparison.Ordinal));
        Assert.DoesNotContain(values, v => v.Contains(TestCredentials.ClientId, StringComparison.Ordinal));
        Assert.DoesNotContain(values, v => v.Contains(Secret, StringComparison.Ordinal));
    }

    private long Count(string name, params (string Key, object Value)[] tags) =>
        Points(name, tags).Sum(p => p.Type == MetricType.Histogram ? p.Point.GetHistogramCount() : 0);

    private long Sum(string name, params (string Key, object Value)[] tags) =>
        Points(name, tags).Sum(p => p.Type switch
        {
            MetricType.LongSum or MetricType.LongSumNonMonotonic => p.Point.GetSumLong(),
            MetricType.Histogram => (long)p.Point.GetHistogramSum(),
            _ => 0,
        });

    private List<(MetricType Type, MetricPoint Point)> Points(string name, (string Key, object Value)[] tags)
    {
        var found = new List<(MetricType, MetricPoint)>();
        foreach (var metric in _metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var pointTags = new Dictionary<string, object?>();
                foreach (var tag in point.Tags)
                {
                    pointTags[tag.Key] = tag.Value;
                }

                if (tags.All(t => pointTags.TryGetValue(t.Key, out var v) && Equals(v?.ToString(), t.Value.ToString())))
                {
                    found.Add((metric.MetricType, point));
                }
            }
        }

        return found;
    }

}
