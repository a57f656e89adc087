using System.Diagnostics;
using System.Diagnostics.Metrics;
using Zapier.Client.Http;

namespace Zapier.Client.Telemetry;

/// <summary>
/// The client's traces and metrics, under one <see cref="ActivitySource"/> and one <see cref="Meter"/> named
/// <see cref="ZapierDiagnostics.Name"/>. Attribute names follow OpenTelemetry's HTTP client conventions where one
/// exists; none carries a token, a query string or a body.
/// </summary>
internal static class ZapierTelemetry
{
    public static readonly ActivitySource Source = new(ZapierDiagnostics.Name, ZapierDiagnostics.Version);

    public static readonly Meter Meter = new(ZapierDiagnostics.Name, ZapierDiagnostics.Version);

    private static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>(
        "zapier.client.request.duration", "s", "Duration of API calls, retries and budget waits included, by operation and outcome.");

    private static readonly Counter<long> Retries = Meter.CreateCounter<long>(
        "zapier.client.request.retries", "{retry}", "Attempts sent again after a transient failure.");

    private static readonly Counter<long> RateLimitedResponses = Meter.CreateCounter<long>(
        "zapier.client.rate_limited", "{response}", "429 responses received.");

    private static readonly Histogram<double> BudgetWait = Meter.CreateHistogram<double>(
        "zapier.client.budget.wait.duration", "s", "Time each attempt waited for the request budget and the server's hold.");

    private static readonly UpDownCounter<long> WaitsActive = Meter.CreateUpDownCounter<long>(
        "zapier.client.action_run.waits.active", "{wait}", "Action-run waits in progress.");

    private static readonly Histogram<long> PollsPerWait = Meter.CreateHistogram<long>(
        "zapier.client.action_run.polls", "{poll}", "Polls each finished action-run wait made.");

    private static readonly Histogram<double> WaitDuration = Meter.CreateHistogram<double>(
        "zapier.client.action_run.wait.duration", "s", "Duration of action-run waits, by outcome.");

    /// <summary>Starts the span of one API call (null when nobody listens).</summary>
    public static Activity? StartCall(string method, OperationEntry? operation, Uri? server)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(operation is null ? method : method + " " + operation.PathTemplate, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("http.request.method", method);
            if (operation is not null)
            {
                activity.SetTag("url.template", operation.PathTemplate);
                activity.SetTag("zapier.operation.id", operation.OperationId);
            }

            if (server is not null)
            {
                activity.SetTag("server.address", server.Host);
                activity.SetTag("server.port", server.Port);
            }
        }

        return activity;
    }

    /// <summary>Ends a call's span and records its duration.</summary>
    public static void EndCall(Activity? activity, string method, OperationEntry? operation, ZapierCallContext call, TimeSpan elapsed, string? errorType)
    {
        if (activity is { IsAllDataRequested: true })
        {
            if (call.Status is { } status)
            {
                activity.SetTag("http.response.status_code", status);
            }

            if (call.Attempts > 1)
            {
                activity.SetTag("http.request.resend_count", call.Attempts - 1);
            }

            if (errorType is not null)
            {
                activity.SetTag("error.type", errorType);
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }

        activity?.Dispose();
        if (RequestDuration.Enabled)
        {
            var tags = new TagList
            {
                { "http.request.method", method },
                { "zapier.operation.id", operation?.OperationId ?? "unknown" },
            };
            if (call.Status is { } status)
            {
                tags.Add("http.response.status_code", status);
            }

            if (errorType is not null)
            {
                tags.Add("error.type", errorType);
            }

            RequestDuration.Record(elapsed.TotalSeconds, tags);
        }
    }

    public static void Retried(OperationEntry? operation, string reason)
    {
        if (Retries.Enabled)
        {
            Retries.Add(1, new KeyValuePair<string, object?>("zapier.operation.id", operation?.OperationId ?? "unknown"), new("zapier.retry.reason", reason));
        }
    }

    public static void RateLimited(OperationEntry? operation)
    {
        if (RateLimitedResponses.Enabled)
        {
            RateLimitedResponses.Add(1, new KeyValuePair<string, object?>("zapier.operation.id", operation?.OperationId ?? "unknown"));
        }
    }

    public static void BudgetWaited(TimeSpan waited, OperationEntry? operation)
    {
        if (BudgetWait.Enabled)
        {
            BudgetWait.Record(waited.TotalSeconds, new KeyValuePair<string, object?>("zapier.operation.id", operation?.OperationId ?? "unknown"));
        }
    }

    /// <summary>Starts the span of an action-run wait and counts it as active.</summary>
    public static Activity? StartWait(string runId)
    {
        WaitsActive.Add(1);
        var activity = Source.HasListeners() ? Source.StartActivity("zapier.action_run.wait", ActivityKind.Internal) : null;
        activity?.SetTag("zapier.action_run.id", runId);
        return activity;
    }

    /// <summary>
    /// Ends a wait's span; <paramref name="outcome"/> is success, error, timeout, canceled or failed, and
    /// <paramref name="endedBy"/> says what told the wait the run had ended: poll or callback (null when it did not end).
    /// </summary>
    public static void EndWait(Activity? activity, string outcome, string? status, int polls, TimeSpan elapsed, TimeSpan budgetWait, string? errorType, string? endedBy)
    {
        WaitsActive.Add(-1);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("zapier.action_run.outcome", outcome);
            if (endedBy is not null)
            {
                activity.SetTag("zapier.action_run.ended_by", endedBy);
            }

            activity.SetTag("zapier.action_run.polls", polls);
            activity.SetTag("zapier.budget.wait", budgetWait.TotalSeconds);
            if (status is not null)
            {
                activity.SetTag("zapier.action_run.status", status);
            }

            if (errorType is not null)
            {
                activity.SetTag("error.type", errorType);
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }

        activity?.Dispose();
        var outcomeTag = new KeyValuePair<string, object?>("zapier.action_run.outcome", outcome);
        var endedByTag = new KeyValuePair<string, object?>("zapier.action_run.ended_by", endedBy ?? "none");
        PollsPerWait.Record(polls, outcomeTag, endedByTag);
        WaitDuration.Record(elapsed.TotalSeconds, outcomeTag, endedByTag);
    }
}
