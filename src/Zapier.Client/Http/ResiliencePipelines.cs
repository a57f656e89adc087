using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Kiota.Abstractions;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Zapier.Client.Http;

/// <summary>
/// The client's Polly pipelines. Retry and the total timeout wrap the whole call; the attempt timeout wraps each
/// attempt but not its wait for the request budget. Retry delays are not slept by Polly: they are handed to the
/// client's scheduler (see <see cref="RequestPacingHandler"/>), the one clock that owns every wait.
/// </summary>
internal static class ResiliencePipelines
{
    private static readonly HttpRequestOptionsKey<IRequestOption> RetryOverride = new(typeof(ZapierRetryOptions).FullName!);

    /// <summary>Where a retry's delay ends, for the budget handler to wait on.</summary>
    public static readonly HttpRequestOptionsKey<DateTimeOffset> NotBefore = new("Zapier.RetryNotBefore");

    public static ResiliencePipeline<HttpResponseMessage> Call(ZapierRetryOptions defaults, TimeSpan totalTimeout, TimeProvider time, ILogger logger)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        if (totalTimeout != Timeout.InfiniteTimeSpan)
        {
            builder.AddTimeout(totalTimeout);
        }

        return builder.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = 20,
            ShouldHandle = args => ValueTask.FromResult(
                ShouldRetry(args.Outcome, args.AttemptNumber, Settings(args.Context, defaults), time, args.Context.GetRequestMessage()?.Method)),
            DelayGenerator = _ => ValueTask.FromResult<TimeSpan?>(TimeSpan.Zero),
            OnRetry = args =>
            {
                var request = args.Context.GetRequestMessage();
                var settings = Settings(args.Context, defaults);
                var delay = Backoff(settings, args.AttemptNumber);
                if (args.Outcome.Result is { } response && ServerHints.NotBefore(Header(response), time.GetUtcNow()) is { } hinted
                    && hinted - time.GetUtcNow() > delay)
                {
                    delay = hinted - time.GetUtcNow();
                }

                request?.Options.Set(NotBefore, time.GetUtcNow() + delay);
                logger.LogInformation(
                    "Retrying {Method} {Path} in {Delay} after {Reason} (retry {Retry} of {MaxRetries})",
                    request?.Method, request?.RequestUri?.AbsolutePath, delay,
                    args.Outcome.Result is { } r ? ((int)r.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) : args.Outcome.Exception?.GetType().Name,
                    args.AttemptNumber + 1, settings.MaxRetries);
                return ValueTask.CompletedTask;
            },
        }).Build();
    }

    public static ResiliencePipeline Attempt(TimeProvider time) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddTimeout(new TimeoutStrategyOptions
            {
                TimeoutGenerator = args => ValueTask.FromResult(args.Context.Properties.GetValue(AttemptTimeoutKey, ZapierRetryOptions.Default.AttemptTimeout)),
            })
            .Build();

    public static readonly ResiliencePropertyKey<TimeSpan> AttemptTimeoutKey = new("Zapier.AttemptTimeout");

    internal static ZapierRetryOptions SettingsFor(HttpRequestMessage request, ZapierRetryOptions defaults) =>
        request.Options.TryGetValue(RetryOverride, out var option) && option is ZapierRetryOptions own ? own : defaults;

    /// <summary>Whether an attempt's outcome is worth another attempt, given the method's safety and the server's hints.</summary>
    internal static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, int attempt, ZapierRetryOptions settings, TimeProvider time, HttpMethod? method)
    {
        if (attempt >= settings.MaxRetries)
        {
            return false;
        }

        var safe = IsSafe(method);
        if (outcome.Result is { } response)
        {
            var retryable = response.StatusCode == HttpStatusCode.TooManyRequests
                || (safe && response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout);
            if (!retryable)
            {
                return false;
            }

            var hinted = ServerHints.NotBefore(Header(response), time.GetUtcNow());
            return hinted is null || hinted.Value - time.GetUtcNow() <= settings.MaxRetryAfter;
        }

        return outcome.Exception switch
        {
            AttemptTimedOutException => safe,
            HttpRequestException e => safe || NotSent(e),
            IOException => safe,
            _ => false,
        };
    }

    /// <summary>Connection refused or the name did not resolve: nothing reached the server.</summary>
    private static bool NotSent(HttpRequestException e) =>
        e.HttpRequestError == HttpRequestError.NameResolutionError
        || (e.HttpRequestError == HttpRequestError.ConnectionError && e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused });

    private static bool IsSafe(HttpMethod? method) => method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options;

    private static ZapierRetryOptions Settings(ResilienceContext context, ZapierRetryOptions defaults) =>
        context.GetRequestMessage() is { } request ? SettingsFor(request, defaults) : defaults;

    private static TimeSpan Backoff(ZapierRetryOptions settings, int attempt)
    {
        var exponential = settings.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt);
        var jittered = exponential * (0.75 + (Random.Shared.NextDouble() * 0.5));
        return TimeSpan.FromMilliseconds(Math.Min(jittered, settings.MaxDelay.TotalMilliseconds));
    }

    private static Func<string, string?> Header(HttpResponseMessage response) =>
        ServerHints.From(response.Headers.Concat(response.Content.Headers));
}
