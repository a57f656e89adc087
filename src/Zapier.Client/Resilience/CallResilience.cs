using System.Collections.Concurrent;
using Polly;
using Polly.Retry;
using Zapier.Client.Budget;
using Zapier.Client.Http;
using Zapier.Client.Telemetry;

namespace Zapier.Client.Resilience;

/// <summary>
/// The client's Polly retry pipelines, one per distinct <see cref="ZapierRetryOptions"/> (the client's, and each
/// override a request brings). Polly sleeps its backoff on the client's scheduler clock
/// (<see cref="SchedulerTimeProvider"/>); <see cref="OutcomeClassifier"/> decides what is retried and
/// <see cref="Backoff"/> how long to wait, with the server's hints as floors.
/// </summary>
internal sealed class CallResilience(ZapierRetryOptions defaults, RequestScheduler scheduler, ZapierLog log)
{
    private readonly ConcurrentDictionary<ZapierRetryOptions, ResiliencePipeline<HttpResponseMessage>> _pipelines = new();
    private const int MaxCached = 32;
    private readonly SchedulerTimeProvider _clock = new(scheduler);

    /// <summary>Where <see cref="Http.RetryPolicyHandler"/> puts the request, for the callbacks below.</summary>
    public static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("Zapier.Request");

    /// <summary>The pipeline for a request: its own retry settings, or the client's.</summary>
    public ResiliencePipeline<HttpResponseMessage> For(HttpRequestMessage request)
    {
        var settings = ZapierCallContext.Of(request)?.Retry ?? defaults;
        if (_pipelines.TryGetValue(settings, out var pipeline))
        {
            return pipeline;
        }

        // Requests rarely bring their own settings; a client whose requests bring many distinct ones builds the rest
        // each time rather than keeping them all.
        return _pipelines.Count < MaxCached ? _pipelines.GetOrAdd(settings, Build) : Build(settings);
    }

    private ResiliencePipeline<HttpResponseMessage> Build(ZapierRetryOptions settings)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _clock };
        if (settings.MaxRetries > 0)
        {
            var backoff = new Backoff(settings.BaseDelay, 2, settings.MaxDelay, 0.25);
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = settings.MaxRetries,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context, settings)),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                    backoff.Delay(args.AttemptNumber, _clock.GetUtcNow(), NotBefore(args.Outcome, _clock.GetUtcNow()))),
                OnRetry = args =>
                {
                    var request = Request(args.Context);
                    var call = ZapierCallContext.Of(request);
                    var reason = args.Outcome.Result is { } r ? ((int)r.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)
                        : args.Outcome.Exception?.GetType().Name ?? "unknown";
                    ZapierTelemetry.Retried(call?.Operation, reason);
                    log.Retrying(request?.Method.Method ?? "?", call?.Operation?.PathTemplate ?? "(a URL outside the schema)",
                        args.RetryDelay, reason, args.AttemptNumber + 1, settings.MaxRetries);
                    return ValueTask.CompletedTask;
                },
            });
        }

        return builder.Build();
    }

    /// <summary>Retry when the classifier says the outcome may be sent again and the server's wait is acceptable.</summary>
    private bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context, ZapierRetryOptions settings)
    {
        var method = Request(context)?.Method ?? HttpMethod.Get;
        if (!OutcomeClassifier.MayResend(method, outcome.Result is { } r ? (int)r.StatusCode : null, outcome.Exception))
        {
            return false;
        }

        return NotBefore(outcome, _clock.GetUtcNow()) is not { } hinted || hinted - _clock.GetUtcNow() <= settings.MaxRetryAfter;
    }

    private static DateTimeOffset? NotBefore(Outcome<HttpResponseMessage> outcome, DateTimeOffset now) => outcome switch
    {
        { Result: { } response } => ServerHints.NotBefore(response, now),
        { Exception: BudgetRefusedException { RetryAfter: { } after } } => now + after,
        _ => null,
    };

    private static HttpRequestMessage? Request(ResilienceContext context) =>
        context.Properties.TryGetValue(RequestKey, out var request) ? request : null;
}
