using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Zapier.Client.ActionRuns;
using Zapier.Client.Authentication;
using Zapier.Client.Budget;
using Zapier.Client.Http;
using Zapier.Client.Resilience;
using Zapier.Client.Telemetry;

namespace Zapier.Client;

/// <summary>
/// What every <see cref="ZapierClient"/> made from one set of options shares: the validated options, the clock, the
/// scheduler, the request budget, the retry pipelines, the credentials and the log. A client built with
/// <c>new</c> owns its core; clients handed out by dependency injection share one per registration.
/// </summary>
internal sealed class ZapierClientCore : IDisposable
{
    private readonly bool _ownsBudget;

    public ZapierClientCore(ZapierClientOptions source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var options = source.Clone();
        options.Validate();
        Options = options;
        BaseUrl = options.BaseUrl;
        Time = options.TimeProvider;
        Log = new ZapierLog((options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Zapier.Client"));
        Scheduler = new RequestScheduler(Time, options.RequestsPerMinute);
        _ownsBudget = options.RateLimiter is null;
        Budget = options.RateLimiter ?? new SchedulerRateLimiter(Scheduler, options.RequestsPerMinute);
        Gate = new BudgetGate(Scheduler, Budget);
        Resilience = new CallResilience(options.Retry, Scheduler, Log);
        var fixedToken = options.AccessToken;
        var tokens = options.AccessTokenProvider
            ?? (fixedToken is null ? null : new Func<CancellationToken, ValueTask<string>>(_ => ValueTask.FromResult(fixedToken)));
        Authentication = new ZapierAuthenticationProvider(BaseUrl, tokens, options.ClientId);
        InputFields = new ActionRuns.Inputs.InputFieldCache(Time, options.InputFieldsCacheDuration);
        Completions = options.ActionRunCompletions is { } channel ? new ActionRunCompletionHub(channel, Time, Scheduler, Log) : null;
    }

    /// <summary>A private copy of the options, validated; never handed out.</summary>
    public ZapierClientOptions Options { get; }

    public Uri BaseUrl { get; }

    public TimeProvider Time { get; }

    public ZapierLog Log { get; }

    public RequestScheduler Scheduler { get; }

    /// <summary>Every request and poll takes one permit (the default budget, or the limiter from the options).</summary>
    public RateLimiter Budget { get; }

    /// <summary>Waits for the server's hold, then takes a permit from <see cref="Budget"/> (action-run polls).</summary>
    public BudgetGate Gate { get; }

    public CallResilience Resilience { get; }

    public IAuthenticationProvider Authentication { get; }

    public ActionRunWaitOptions WaitDefaults => Options.ActionRunWaiting;

    /// <summary>Input fields and choices fetched by input validation, kept for <see cref="ZapierClientOptions.InputFieldsCacheDuration"/>.</summary>
    public ActionRuns.Inputs.InputFieldCache InputFields { get; }

    /// <summary>Where waits listen for their runs' callbacks; null without a completion channel.</summary>
    public ActionRunCompletionHub? Completions { get; }

    /// <summary>Stops the scheduler (pending waits end with <see cref="ObjectDisposedException"/>) and the default budget.</summary>
    public void Dispose()
    {
        Completions?.Dispose();
        Scheduler.Dispose();
        if (_ownsBudget)
        {
            Budget.Dispose();
        }
    }
}
