using System.Net;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Zapier.Client.ActionRuns;
using Zapier.Client.Authentication;
using Zapier.Client.Errors;
using Zapier.Client.Generated;
using Zapier.Client.Http;

namespace Zapier.Client;

/// <summary>
/// The entry point to Zapier's Partner API. Navigate to an operation through the generated request builders
/// (<c>client.V2.ActionRuns["id"].GetAsync()</c>); API errors surface as <see cref="ZapierApiException"/>.
/// </summary>
public partial class ZapierClient : ZapierGeneratedClient, IDisposable
{
    private readonly HttpClient? _ownedHttpClient;
    private readonly SharedClientServices _runtime;

    /// <summary>Creates a client that authenticates with a fixed access token.</summary>
    public ZapierClient(string accessToken, ZapierClientOptions? options = null)
        : this(Setup.Create(WithToken(options, accessToken), httpClient: null))
    {
    }

    /// <summary>Creates a client that asks <paramref name="accessTokenProvider"/> for a token for each request that needs one.</summary>
    public ZapierClient(Func<CancellationToken, ValueTask<string>> accessTokenProvider, ZapierClientOptions? options = null)
        : this(Setup.Create(WithTokenProvider(options, accessTokenProvider), httpClient: null))
    {
    }

    /// <summary>Creates a client from options alone (for example with only a client id).</summary>
    public ZapierClient(ZapierClientOptions options)
        : this(Setup.Create(options ?? throw new ArgumentNullException(nameof(options)), httpClient: null))
    {
    }

    /// <summary>
    /// Creates a client that sends through <paramref name="httpClient"/>, whose handlers and lifetime stay the
    /// caller's (the client does not dispose it).
    /// </summary>
    public ZapierClient(HttpClient httpClient, ZapierClientOptions options)
        : this(Setup.Create(options ?? throw new ArgumentNullException(nameof(options)), httpClient ?? throw new ArgumentNullException(nameof(httpClient))))
    {
    }

    private ZapierClient(Setup setup)
        : base(setup.Adapter)
    {
        _ownedHttpClient = setup.OwnedHttpClient;
        _runtime = setup.Adapter.Runtime;
        Options = setup.Options;
    }

    /// <summary>The scheduler shared by this client's requests and waits (tests and benchmarks drive it).</summary>
    internal RequestScheduler Scheduler => _runtime.Scheduler;

    /// <summary>
    /// Starts an action run (<c>POST /v2/action-runs</c>) and returns it, to wait on or keep. The request is never
    /// repeated after it may have reached Zapier; only a 429 (refused before processing) or a refused connection is
    /// tried again (see <see cref="ZapierRetryOptions"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The request is invalid (e.g. a callback URL that is not public https).</exception>
    /// <exception cref="ZapierApiException">Zapier refused the run.</exception>
    public async Task<ActionRun> StartActionRunAsync(ActionRunRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var body = ActionRunBody.From(request);
        var created = await V2.ActionRuns.PostAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        var id = created?.Data?.Id;
        return string.IsNullOrEmpty(id)
            ? throw new ZapierProtocolException("Zapier accepted the action run but its answer carried no run id.")
            : GetActionRun(id);
    }

    /// <summary>Starts an action run and, with <see cref="ActionRunWaitUntil.Completed"/>, waits for it to end.</summary>
    public async Task<ActionRun> RunActionAsync(
        ActionRunWaitUntil waitUntil, ActionRunRequest request, ActionRunWaitOptions? options = null,
        IProgress<ActionRunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var run = await StartActionRunAsync(request, cancellationToken).ConfigureAwait(false);
        if (waitUntil == ActionRunWaitUntil.Completed)
        {
            await run.WaitForCompletionAsync(options, progress, cancellationToken).ConfigureAwait(false);
        }

        return run;
    }

    /// <summary>An existing run by its id, to refresh or wait on (no request is made until you do).</summary>
    /// <exception cref="ArgumentException">The id is empty.</exception>
    public ActionRun GetActionRun(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return new ActionRun(id, V2.ActionRuns[id], _runtime);
    }

    /// <summary>A copy of the options this client was created with.</summary>
    public ZapierClientOptions Options { get; }

    /// <summary>Releases the HTTP client this instance created (not one passed in by the caller).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases owned resources.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _ownedHttpClient?.Dispose();
            _runtime.Dispose();
        }
    }

    private static ZapierClientOptions WithToken(ZapierClientOptions? options, string accessToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accessToken);
        var copy = options?.Clone() ?? new ZapierClientOptions();
        copy.AccessToken = accessToken;
        return copy;
    }

    private static ZapierClientOptions WithTokenProvider(ZapierClientOptions? options, Func<CancellationToken, ValueTask<string>> provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var copy = options?.Clone() ?? new ZapierClientOptions();
        copy.AccessTokenProvider = provider;
        return copy;
    }

    private sealed record Setup(ZapierRequestAdapter Adapter, HttpClient? OwnedHttpClient, ZapierClientOptions Options)
    {
        public static Setup Create(ZapierClientOptions source, HttpClient? httpClient)
        {
            var options = source.Clone();
            var baseUrl = ValidateBaseUrl(options.BaseUrl);
            if (options.AccessToken is not null && string.IsNullOrWhiteSpace(options.AccessToken))
            {
                throw new ArgumentException("AccessToken is empty; leave it null or give a token.", nameof(source));
            }

            if (options.ClientId is not null && string.IsNullOrWhiteSpace(options.ClientId))
            {
                throw new ArgumentException("ClientId is empty; leave it null or give the partner's client id.", nameof(source));
            }

            if (options.RequestTimeout <= TimeSpan.Zero && options.RequestTimeout != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(source), options.RequestTimeout, "RequestTimeout must be positive.");
            }

            var fixedToken = options.AccessToken;
            var tokens = options.AccessTokenProvider
                ?? (fixedToken is null ? null : new Func<CancellationToken, ValueTask<string>>(_ => ValueTask.FromResult(fixedToken)));
            var auth = new ZapierAuthenticationProvider(baseUrl, tokens, options.ClientId);

            if (options.RequestsPerMinute < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(source), options.RequestsPerMinute, "RequestsPerMinute must be at least 1.");
            }

            ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options.TimeProvider));
            ArgumentNullException.ThrowIfNull(options.ActionRunWaiting, nameof(options.ActionRunWaiting));
            options.ActionRunWaiting.Validate();

            ArgumentNullException.ThrowIfNull(options.Retry, nameof(options.Retry));
            options.Retry.Validate();
            ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxResponseBytes, 1024, nameof(options.MaxResponseBytes));
            var logger = (options.LoggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger("Zapier.Client");
            var runtime = new SharedClientServices(options.TimeProvider, options.RequestsPerMinute, options.ActionRunWaiting, logger);
            var owned = httpClient is null ? HttpPipeline.Create(options, runtime.Scheduler, logger) : null;
            var adapter = new HttpClientRequestAdapter(auth, new Serialization.ZapierParseNodeFactory(), httpClient: httpClient ?? owned)
            {
                BaseUrl = baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/'),
            };
            return new Setup(new ZapierRequestAdapter(adapter, runtime), owned, options);
        }

        private static Uri ValidateBaseUrl(Uri? baseUrl)
        {
            if (baseUrl is null || !baseUrl.IsAbsoluteUri)
            {
                throw new ArgumentException("BaseUrl must be an absolute URL such as https://api.zapier.com.", nameof(baseUrl));
            }

            var loopback = baseUrl.IsLoopback || (IPAddress.TryParse(baseUrl.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
            if (baseUrl.Scheme != Uri.UriSchemeHttps && !(baseUrl.Scheme == Uri.UriSchemeHttp && loopback))
            {
                throw new ArgumentException(
                    $"BaseUrl '{baseUrl}' must use https; plain http is only allowed for loopback hosts (local stubs).", nameof(baseUrl));
            }

            if (!string.IsNullOrEmpty(baseUrl.Query) || !string.IsNullOrEmpty(baseUrl.Fragment))
            {
                throw new ArgumentException($"BaseUrl '{baseUrl}' must not have a query or fragment.", nameof(baseUrl));
            }

            return baseUrl;
        }
    }
}
