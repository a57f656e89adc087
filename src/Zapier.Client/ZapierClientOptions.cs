using System.Net;
using System.Threading.RateLimiting;

namespace Zapier.Client;

/// <summary>
/// Settings for a <see cref="ZapierClient"/>: where to send requests, which credentials to use, and how to pace and
/// retry them. A client copies them when it is created; changing them afterwards does not affect it.
/// </summary>
public sealed class ZapierClientOptions
{
    /// <summary>The Partner API's address.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://api.zapier.com");

    /// <summary>
    /// Where requests go; defaults to <see cref="DefaultBaseUrl"/>. Must be <c>https</c> unless the host is a loopback
    /// address (a local stub). Credentials are only ever sent to this scheme, host and port.
    /// </summary>
    public Uri BaseUrl { get; set; } = DefaultBaseUrl;

    /// <summary>A user or app access token, sent as <c>Authorization: Bearer</c> to operations that accept OAuth.</summary>
    public string? AccessToken { get; set; }

    /// <summary>Supplies an access token for each request that needs one (takes precedence over <see cref="AccessToken"/>).</summary>
    public Func<CancellationToken, ValueTask<string>>? AccessTokenProvider { get; set; }

    /// <summary>
    /// The partner's client id, sent as the <c>client_id</c> query parameter to operations whose security accepts it
    /// (and filled in where an operation declares a <c>client_id</c> query parameter that was left unset).
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// Time allowed for one call, its retries, its waits for the budget and the reading of its response included;
    /// defaults to 100 seconds. <see cref="Timeout.InfiniteTimeSpan"/> turns the limit off.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// Requests per minute the default budget allows, spread evenly; defaults to 60, Zapier's per-IP limit. The
    /// server's Retry-After and X-RateLimit-* headers can only make it slower. Ignored when <see cref="RateLimiter"/>
    /// is set.
    /// </summary>
    public int RequestsPerMinute { get; set; } = 60;

    /// <summary>
    /// The request budget, when you bring your own (for example one shared by a fleet of processes): every attempt of
    /// every request and every action-run poll acquires one permit from it, after the server's hold. A limiter that
    /// queues delays requests; one that refuses fails them, after the retries, with
    /// <see cref="Errors.ZapierBudgetException"/>. The client does not dispose it. Null (the default) means
    /// <see cref="RequestsPerMinute"/> evenly spaced.
    /// </summary>
    public RateLimiter? RateLimiter { get; set; }

    /// <summary>
    /// Called with the time until which the server asked the client to wait (a <c>Retry-After</c>, or an exhausted
    /// <c>X-RateLimit-*</c> with its reset), each time a response starts or extends that hold; the client itself holds
    /// its requests until then either way. For sharing the hold beyond this client, for example with a fleet-wide
    /// <see cref="RateLimiter"/>; it runs on the response path, so it must return quickly. An exception it throws is
    /// ignored. Null (the default) calls nothing.
    /// </summary>
    public Action<DateTimeOffset>? OnServerHold { get; set; }

    /// <summary>Default settings of action-run waits; see <see cref="ActionRuns.ActionRunWaitOptions"/>.</summary>
    public ActionRuns.ActionRunWaitOptions ActionRunWaiting { get; set; } = ActionRuns.ActionRunWaitOptions.Default;

    /// <summary>
    /// A callback URL sent with every <see cref="ZapierClient.StartActionRunAsync"/> whose request sets none (an
    /// absolute https URL on a public host, at most 2048 characters, as Zapier requires). Waits on runs started with it
    /// end as soon as the run's verified callback arrives on <see cref="ActionRunCompletions"/> and poll only as a
    /// safety net (<see cref="ActionRuns.ActionRunWaitOptions.SafetyPollInterval"/>). Needs a completion channel.
    /// </summary>
    public Uri? ActionRunCallbackUrl { get; set; }

    /// <summary>
    /// Where verified action-run callbacks arrive (the channel the callback receiver publishes on); every wait of the
    /// client listens on it. Null by default; with dependency injection, the container's
    /// <see cref="ActionRuns.IActionRunCompletionChannel"/> when one is registered (the callback receiver registers one).
    /// </summary>
    public ActionRuns.IActionRunCompletionChannel? ActionRunCompletions { get; set; }

    /// <summary>The clock for every delay the client makes (tests pass a fake one); defaults to the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>How requests are retried; see <see cref="ZapierRetryOptions"/>. A request can override it.</summary>
    public ZapierRetryOptions Retry { get; set; } = ZapierRetryOptions.Default;

    /// <summary>Largest response body the client reads, 16 MB by default; a larger one fails with a clear error.</summary>
    public long MaxResponseBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// How long input validation (<see cref="ActionRuns.ActionRunRequest.ValidateInputs"/>) keeps an action's input
    /// fields and choices, per action and authentication; 15 minutes by default. <see cref="TimeSpan.Zero"/> fetches
    /// them for every validated run.
    /// </summary>
    public TimeSpan InputFieldsCacheDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Where the client logs retries and waits (never credentials, query strings or bodies); none by default.</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; set; }

    internal ZapierClientOptions Clone() => (ZapierClientOptions)MemberwiseClone();

    /// <summary>Every problem with these settings, as sentences naming the setting; empty when they are usable.</summary>
    internal IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (BaseUrl is null || !BaseUrl.IsAbsoluteUri)
        {
            problems.Add("BaseUrl must be an absolute URL such as https://api.zapier.com.");
        }
        else
        {
            var loopback = BaseUrl.IsLoopback || (IPAddress.TryParse(BaseUrl.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
            if (BaseUrl.Scheme != Uri.UriSchemeHttps && !(BaseUrl.Scheme == Uri.UriSchemeHttp && loopback))
            {
                problems.Add($"BaseUrl '{BaseUrl}' must use https; plain http is only allowed for loopback hosts (local stubs).");
            }

            if (!string.IsNullOrEmpty(BaseUrl.Query) || !string.IsNullOrEmpty(BaseUrl.Fragment))
            {
                problems.Add($"BaseUrl '{BaseUrl}' must not have a query or fragment.");
            }
        }

        if (AccessToken is not null && string.IsNullOrWhiteSpace(AccessToken))
        {
            problems.Add("AccessToken is empty; leave it null or give a token.");
        }

        if (ClientId is not null && string.IsNullOrWhiteSpace(ClientId))
        {
            problems.Add("ClientId is empty; leave it null or give the partner's client id.");
        }

        if (RequestTimeout <= TimeSpan.Zero && RequestTimeout != Timeout.InfiniteTimeSpan)
        {
            problems.Add($"RequestTimeout must be positive (or Timeout.InfiniteTimeSpan); it is {RequestTimeout}.");
        }

        if (RequestsPerMinute < 1)
        {
            problems.Add($"RequestsPerMinute must be at least 1; it is {RequestsPerMinute}.");
        }

        if (MaxResponseBytes < 1024)
        {
            problems.Add($"MaxResponseBytes must be at least 1024; it is {MaxResponseBytes}.");
        }

        if (TimeProvider is null)
        {
            problems.Add("TimeProvider must not be null.");
        }

        if (InputFieldsCacheDuration < TimeSpan.Zero)
        {
            problems.Add($"InputFieldsCacheDuration must be zero (no caching) or positive; it is {InputFieldsCacheDuration}.");
        }

        if (ActionRunCallbackUrl is not null)
        {
            if (ActionRuns.ActionRunRequest.CallbackUrlProblem(ActionRunCallbackUrl) is { } problem)
            {
                problems.Add("ActionRunCallbackUrl: " + problem);
            }
            else if (ActionRunCompletions is null)
            {
                problems.Add("ActionRunCallbackUrl is set but ActionRunCompletions is not: no callback could end a wait early, and waits would " +
                    "only poll on the slow safety schedule. Set ActionRunCompletions to the channel the callback receiver publishes on " +
                    "(with dependency injection, services.AddZapierActionRunCallbacks registers one).");
            }
        }

        Nested(problems, "ActionRunWaiting", ActionRunWaiting, static o => o.Validate());
        Nested(problems, "Retry", Retry, static o => o.Validate());
        return problems;
    }

    /// <summary>Throws the first problem: <see cref="ArgumentOutOfRangeException"/> or <see cref="ArgumentException"/>, naming the setting.</summary>
    internal void Validate()
    {
        if (TimeProvider is null)
        {
            throw new ArgumentNullException(nameof(TimeProvider));
        }

        ArgumentNullException.ThrowIfNull(ActionRunWaiting, nameof(ActionRunWaiting));
        ArgumentNullException.ThrowIfNull(Retry, nameof(Retry));
        ActionRunWaiting.Validate();
        Retry.Validate();
        if (RequestTimeout <= TimeSpan.Zero && RequestTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(RequestTimeout), RequestTimeout, "RequestTimeout must be positive.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(RequestsPerMinute, 1, nameof(RequestsPerMinute));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxResponseBytes, 1024, nameof(MaxResponseBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(InputFieldsCacheDuration, TimeSpan.Zero, nameof(InputFieldsCacheDuration));
        if (Problems() is [var first, ..])
        {
            throw new ArgumentException(first, first.StartsWith("BaseUrl", StringComparison.Ordinal) ? nameof(BaseUrl) : first.Split(' ')[0]);
        }
    }

    private static void Nested<T>(List<string> problems, string name, T? value, Action<T> validate)
        where T : class
    {
        if (value is null)
        {
            problems.Add($"{name} must not be null.");
            return;
        }

        try
        {
            validate(value);
        }
        catch (ArgumentException e)
        {
            problems.Add($"{name}.{e.ParamName}: {e.Message.Split(" (Parameter", 2)[0]}");
        }
    }
}
