using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.RateLimiting;
using Polly.Retry;
using Zapier.Client.Budget;
using Zapier.Client.Http;
using Zapier.Client.Telemetry;

namespace Zapier.Client.Resilience;

/// <summary>
/// The client's Polly pipelines, one per distinct <see cref="ZapierRetryOptions"/> (the client's, and each override a
/// request brings): retry, then the request budget for every attempt. Polly sleeps its backoff on the client's
/// scheduler clock (<see cref="SchedulerTimeProvider"/>); <see cref="OutcomeClassifier"/> decides what is retried and
/// <see cref="Backoff"/> how long to wait, with the server's hints as floors.
/// </summary>
internal sealed class CallResilience(
    ZapierRetryOptions defaults, RequestScheduler scheduler, RateLimiter budget, ZapierLog log)
{
    private static readonly RateLimitLease Taken = new TakenLease();
    private readonly ConcurrentDictionary<ZapierRetryOptions, ResiliencePipeline<HttpResponseMessage>> _pipelines = new();
    private readonly SchedulerTimeProvider _clock = new(scheduler);
    private readonly BudgetGate _gate = new(scheduler, budget);

    /// <summary>The pipeline for a request: its own retry settings, or the client's.</summary>
    public ResiliencePipeline<HttpResponseMessage> For(HttpRequestMessage request)
    {
        var settings = ZapierCallContext.Of(request)?.Retry ?? defaults;
        return _pipelines.TryGetValue(settings, out var pipeline) ? pipeline : _pipelines.GetOrAdd(settings, Build);
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
                    var request = args.Context.GetRequestMessage();
                    var call = ZapierCallContext.Of(request);
                    var reason = args.Outcome.Result is { } r ? ((int)r.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)
                        : args.Outcome.Exception?.GetType().Name ?? "unknown";
                    ZapierTelemetry.Retried(call?.Operation, reason);
                    log.Retrying(request?.Method.Method ?? "?", call?.Operation?.PathTemplate ?? request?.RequestUri?.AbsolutePath ?? "?",
                        args.RetryDelay, reason, args.AttemptNumber + 1, settings.MaxRetries);
                    return ValueTask.CompletedTask;
                },
            });
        }

        builder.AddRateLimiter(new RateLimiterStrategyOptions { RateLimiter = AcquireAsync });
        return builder.Build();
    }

    /// <summary>Retry when the classifier says the outcome may be sent again and the server's wait is acceptable.</summary>
    private bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context, ZapierRetryOptions settings)
    {
        var method = context.GetRequestMessage()?.Method ?? HttpMethod.Get;
        if (!OutcomeClassifier.MayResend(method, outcome.Result is { } r ? (int)r.StatusCode : null, outcome.Exception))
        {
            return false;
        }

        return NotBefore(outcome, _clock.GetUtcNow()) is not { } hinted || hinted - _clock.GetUtcNow() <= settings.MaxRetryAfter;
    }

    private static DateTimeOffset? NotBefore(Outcome<HttpResponseMessage> outcome, DateTimeOffset now) => outcome switch
    {
        { Result: { } response } => ServerHints.NotBefore(response, now),
        { Exception: RateLimiterRejectedException { RetryAfter: { } after } } => now + after,
        _ => null,
    };

    /// <summary>Each attempt waits for the server's hold, then takes a permit from the budget (unless the caller did).</summary>
    private async ValueTask<RateLimitLease> AcquireAsync(RateLimiterArguments args)
    {
        var call = ZapierCallContext.Of(args.Context.GetRequestMessage());
        if (call is { BudgetPermitTaken: true })
        {
            call.BudgetPermitTaken = false; // good for the first attempt only
            return Taken;
        }

        var started = scheduler.Time.GetTimestamp();
        var lease = (await _gate.AcquireAsync(giveUpAt: null, args.Context.CancellationToken).ConfigureAwait(false))!;
        var waited = scheduler.Time.GetElapsedTime(started);
        if (call is not null)
        {
            call.BudgetWait += waited;
        }

        ZapierTelemetry.BudgetWaited(waited, call?.Operation);
        return lease;
    }

    private sealed class TakenLease : RateLimitLease
    {
        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
