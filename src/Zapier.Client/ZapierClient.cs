using Microsoft.Kiota.Http.HttpClientLibrary;
using Zapier.Client.ActionRuns;
using Zapier.Client.Budget;
using Zapier.Client.Errors;
using Zapier.Client.Generated;
using Zapier.Client.Generated.V2.Authorize;
using Zapier.Client.Http;

namespace Zapier.Client;

/// <summary>
/// The entry point to Zapier's Partner API. Navigate to an operation through the generated request builders
/// (<c>client.V2.ActionRuns["id"].GetAsync()</c>); API errors surface as <see cref="ZapierApiException"/>.
/// Every request goes through the client's pipeline: retries, the request budget, time limits, redirect and
/// response guards, telemetry (see the README's "The request pipeline").
/// </summary>
public partial class ZapierClient : ZapierGeneratedClient, IDisposable
{
    private readonly HttpClient? _ownedHttpClient;
    private readonly bool _ownsCore;

    /// <summary>Creates a client that authenticates with a fixed access token.</summary>
    public ZapierClient(string accessToken, ZapierClientOptions? options = null)
        : this(new ZapierClientCore(WithToken(options, accessToken)), transport: null, disposeTransport: true)
    {
    }

    /// <summary>Creates a client that asks <paramref name="accessTokenProvider"/> for a token for each request that needs one.</summary>
    public ZapierClient(Func<CancellationToken, ValueTask<string>> accessTokenProvider, ZapierClientOptions? options = null)
        : this(new ZapierClientCore(WithTokenProvider(options, accessTokenProvider)), transport: null, disposeTransport: true)
    {
    }

    /// <summary>Creates a client from options alone (for example with only a client id).</summary>
    public ZapierClient(ZapierClientOptions options)
        : this(new ZapierClientCore(options ?? throw new ArgumentNullException(nameof(options))), transport: null, disposeTransport: true)
    {
    }

    /// <summary>
    /// Creates a client whose whole pipeline (retries, budget, time limits, guards, telemetry) sends through
    /// <paramref name="transport"/>: a handler of your own with a proxy, client certificates or a test double. It
    /// should not follow redirects itself (<c>AllowAutoRedirect = false</c>).
    /// </summary>
    /// <param name="transport">The innermost handler, which talks to the network.</param>
    /// <param name="options">The client's settings.</param>
    /// <param name="disposeTransport">Whether disposing the client disposes <paramref name="transport"/>.</param>
    public ZapierClient(HttpMessageHandler transport, ZapierClientOptions options, bool disposeTransport = false)
        : this(new ZapierClientCore(options ?? throw new ArgumentNullException(nameof(options))),
               transport ?? throw new ArgumentNullException(nameof(transport)), disposeTransport)
    {
    }

    private ZapierClient(ZapierClientCore core, HttpMessageHandler? transport, bool disposeTransport)
        : this(core, HttpPipeline.Create(core, transport ?? HttpPipeline.DefaultTransport(), transport is null || disposeTransport), ownsCore: true, ownsHttpClient: true)
    {
    }

    /// <summary>A client over an <see cref="HttpClient"/> that already carries the pipeline (from <c>IHttpClientFactory</c>).</summary>
    internal ZapierClient(ZapierClientCore core, HttpClient httpClient, bool ownsCore, bool ownsHttpClient)
        : base(new ZapierRequestAdapter(
            new HttpClientRequestAdapter(core.Authentication, new Serialization.ZapierParseNodeFactory(core.Options.MaxResponseBytes), httpClient: httpClient)
            {
                BaseUrl = core.BaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/'),
            },
            core))
    {
        Core = core;
        _ownsCore = ownsCore;
        _ownedHttpClient = ownsHttpClient ? httpClient : null;
    }

    /// <summary>Where this client sends requests (and the only origin its credentials and followed links go to).</summary>
    public Uri BaseUrl => Core.BaseUrl;

    /// <summary>What this client shares with the other clients of its registration.</summary>
    internal ZapierClientCore Core { get; }

    /// <summary>The scheduler shared by this client's requests and waits (tests and benchmarks drive it).</summary>
    internal RequestScheduler Scheduler => Core.Scheduler;

    /// <summary>
    /// Starts an action run (<c>POST /v2/action-runs</c>) and returns it, to wait on or keep. The request is never
    /// repeated after it may have reached Zapier; only a 429 (refused before processing) or a refused connection is
    /// tried again (see <see cref="ZapierRetryOptions"/>). The request's callback URL, else
    /// <see cref="ZapierClientOptions.ActionRunCallbackUrl"/>, is sent as <c>callback_url</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The request is invalid (e.g. a callback URL that is not public https).</exception>
    /// <exception cref="InvalidActionInputsException">
    /// <see cref="ActionRunRequest.ValidateInputs"/> is set and the inputs break the action's input fields.
    /// </exception>
    /// <exception cref="ZapierApiException">Zapier refused the run.</exception>
    public async Task<ActionRun> StartActionRunAsync(ActionRunRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        if (request.ValidateInputs)
        {
            await ActionRuns.Inputs.ActionInputValidator.CheckAsync(this, Core.InputFields.For(User), request, cancellationToken).ConfigureAwait(false);
        }

        var callbackUrl = request.CallbackUrl ?? Core.Options.ActionRunCallbackUrl;
        var body = ActionRunBody.From(request, callbackUrl);
        var info = request.ResponseInfo;
        var created = await V2.ActionRuns.PostAsync(body, info is null ? null : c => c.Options.Add(info), cancellationToken).ConfigureAwait(false);
        var id = created?.Data?.Id;
        return string.IsNullOrEmpty(id)
            ? throw new ZapierProtocolException("Zapier accepted the action run but its answer carried no run id.")
            : new ActionRun(id, V2.ActionRuns[id], Core, callbackExpected: callbackUrl is not null);
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
        return new ActionRun(id, V2.ActionRuns[id], Core);
    }

    /// <summary>
    /// The URL of <c>GET /v2/authorize</c> with its query, to open in the user's browser: Zapier answers it with a
    /// redirect into its sign-up, sign-in and consent pages, which only a browser can go through (the client does not
    /// follow it). <c>client_id</c> defaults to <see cref="ZapierClientOptions.ClientId"/> and <c>response_type</c> to
    /// <c>code</c>, the only type Zapier supports. Nothing is sent.
    /// </summary>
    /// <param name="query">Sets <c>redirect_uri</c>, <c>scope</c> (space-separated) and any optional parameter.</param>
    /// <exception cref="ArgumentException"><c>client_id</c>, <c>redirect_uri</c> or <c>scope</c> is missing.</exception>
    public Uri GetAuthorizationUrl(Action<AuthorizeRequestBuilder.AuthorizeRequestBuilderGetQueryParameters> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var request = V2.Authorize.ToGetRequestInformation(c =>
        {
            c.QueryParameters.ClientId = Core.Options.ClientId;
            c.QueryParameters.ResponseType = "code";
            query(c.QueryParameters);
            Require(c.QueryParameters.ClientId, "client_id", " (or ZapierClientOptions.ClientId)");
            Require(c.QueryParameters.RedirectUri, "redirect_uri", string.Empty);
            Require(c.QueryParameters.Scope, "scope", string.Empty);
            Require(c.QueryParameters.ResponseType, "response_type", string.Empty);
        });
        return request.URI;

        static void Require(string? value, string name, string hint)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException($"The authorization URL needs {name}{hint}.", nameof(query));
            }
        }
    }

    /// <summary>Releases what this instance owns: its HTTP client, and its scheduler unless it shares them with others.</summary>
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
            if (_ownsCore)
            {
                Core.Dispose();
            }
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
}
