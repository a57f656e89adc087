using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using Zapier.Client.ActionRuns;
using Zapier.Client.Generated.Models;

namespace Zapier.Client.Testing;

/// <summary>
/// An in-process fake of Zapier's Partner API over real HTTP on a loopback port (WireMock.Net). It serves the
/// action-run endpoints (create, retrieve) and the lists of apps, actions and authentications, answering from what
/// the test declared: apps, actions with the script their runs follow, authentications. It needs its bearer token,
/// pages lists like Zapier, can play Zapier's rate limit, POSTs signed callbacks, and journals what it was sent.
/// </summary>
/// <example>
/// <code>
/// await using var zapier = ZapierSandbox.Start();
/// zapier.AddAction("crm:create-contact", run => run.Waiting(2).Success(new { id = 42 }));
/// using var client = zapier.CreateClient();
/// var state = await (await client.StartActionRunAsync(new ActionRunRequest("crm:create-contact"))).WaitForCompletionAsync();
/// Assert.Equal(3, zapier.Journal.PollsOf(state.Id).Count);
/// </code>
/// </example>
public sealed partial class ZapierSandbox : IDisposable, IAsyncDisposable
{
    /// <summary>The path of the sandbox's JWKS (public keys of the callback signatures), served without a token.</summary>
    public const string JwksPath = "/.well-known/jwks.json";

    private static readonly AsyncLocal<HttpContext?> CurrentRequest = new();

    private readonly WireMockServer _server;
    private readonly ZapierSandboxOptions _options;
    private readonly Lock _gate = new();
    private readonly List<SandboxApp> _apps = [];
    private readonly List<SandboxAction> _actions = [];
    private readonly List<SandboxAuthentication> _authentications = [];
    private readonly ConcurrentDictionary<string, SandboxRun> _runs = new(StringComparer.Ordinal);
    private readonly RateLimitWindow? _rateLimit;
    private readonly RSA _signingKey = RSA.Create(2048);
    private readonly HttpClient _callbackHttp = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly ConcurrentDictionary<Task, bool> _pendingCallbacks = new();
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    private ZapierSandbox(ZapierSandboxOptions options)
    {
        options.Validate();
        _options = options;
        AccessToken = options.AccessToken;
        _rateLimit = options.RateLimit is { } limit ? new RateLimitWindow(limit, options.TimeProvider) : null;
        var settings = new WireMockServerSettings
        {
            Urls = [$"http://127.0.0.1:{options.Port}"],
            StartAdminInterface = false,
            MaxRequestLogCount = 0,
            // Keeps each request's HttpContext at hand, so a scripted fault can reset the connection.
            PreWireMockMiddlewareInit = app => ((IApplicationBuilder)app).Use(async (context, next) =>
            {
                CurrentRequest.Value = context;
                await next(context).ConfigureAwait(false);
            }),
        };
        _server = WireMockServer.Start(settings);
        try
        {
            BaseUrl = new Uri(_server.Urls[0]);
            _server.Given(Request.Create().WithPath(new WildcardMatcher("/*")))
                .RespondWith(Response.Create().WithCallback(AnswerAsync));
        }
        catch
        {
            _server.Dispose();
            throw;
        }
    }

    /// <summary>Where the sandbox listens, for example <c>http://127.0.0.1:54321/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The bearer token the sandbox accepts (<see cref="ZapierSandboxOptions.AccessToken"/>); other requests are answered 401.</summary>
    public string AccessToken { get; }

    /// <summary>The JWKS with the public key the sandbox signs callbacks with: give it to the receiver as its <c>JwksUrl</c>.</summary>
    public Uri JwksUrl => new(BaseUrl, JwksPath);

    /// <summary>What the code under test sent.</summary>
    public SandboxJournal Journal { get; } = new();

    /// <summary>The apps declared, in order.</summary>
    public IReadOnlyList<SandboxApp> Apps => Locked(() => _apps.ToList());

    /// <summary>The actions declared, in order.</summary>
    public IReadOnlyList<SandboxAction> Actions => Locked(() => _actions.ToList());

    /// <summary>The authentications declared, in order.</summary>
    public IReadOnlyList<SandboxAuthentication> Authentications => Locked(() => _authentications.ToList());

    /// <summary>The runs created through the API so far.</summary>
    public IReadOnlyCollection<SandboxRun> Runs => [.. _runs.Values];

    /// <summary>Starts an empty sandbox (no apps, actions or authentications) on a free loopback port.</summary>
    public static ZapierSandbox Start(ZapierSandboxOptions? options = null) => new(options ?? new ZapierSandboxOptions());

    /// <summary>
    /// Starts a sandbox holding the demo app (see <see cref="SandboxDemo"/>): <c>demo:send-email</c> (waiting twice,
    /// then success), <c>demo:always-fails</c> (error), <c>demo:never-finishes</c> (waiting for ever),
    /// <c>demo:find-contact</c> (a read) and the authentication <c>demo_Auth0001</c>.
    /// </summary>
    public static ZapierSandbox StartWithDemoData(ZapierSandboxOptions? options = null)
    {
        var sandbox = Start(options);
        SandboxDemo.AddTo(sandbox);
        return sandbox;
    }

    /// <summary>A client for the sandbox: see <see cref="ConfigureOptions"/> for what is set. Dispose it before the sandbox.</summary>
    public ZapierClient CreateClient(ZapierClientOptions? options = null) => new(ConfigureOptions(options ?? new ZapierClientOptions()));

    /// <summary>
    /// Points <paramref name="options"/> at the sandbox (<c>BaseUrl</c>, <c>AccessToken</c>; <c>AccessTokenProvider</c>
    /// is cleared, since it would take precedence over the token) and gives the settings
    /// still at their defaults test-friendly values: <c>ActionRunWaiting</c> polls after 20 ms, growing 1.5× to at
    /// most 200 ms, no jitter, no minimum interval, a 30 s timeout; <c>Retry</c> backs off from 10 ms to at most
    /// 200 ms; <c>RequestsPerMinute</c> is 6,000 unless the sandbox plays a rate limit. Returns the same instance
    /// (for <c>services.AddZapierClient(o =&gt; sandbox.ConfigureOptions(o))</c>).
    /// </summary>
    public ZapierClientOptions ConfigureOptions(ZapierClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.BaseUrl = BaseUrl;
        options.AccessToken = AccessToken;
        options.AccessTokenProvider = null;
        if (options.ActionRunWaiting == ActionRunWaitOptions.Default)
        {
            options.ActionRunWaiting = FastWaiting;
        }

        if (options.Retry == ZapierRetryOptions.Default)
        {
            options.Retry = FastRetry;
        }

        if (options.RequestsPerMinute == new ZapierClientOptions().RequestsPerMinute && _rateLimit is null)
        {
            options.RequestsPerMinute = 6_000;
        }

        return options;
    }

    /// <summary>The wait settings <see cref="ConfigureOptions"/> gives a client whose settings are the defaults.</summary>
    public static ActionRunWaitOptions FastWaiting { get; } = ActionRunWaitOptions.Default with
    {
        InitialDelay = TimeSpan.FromMilliseconds(20),
        Multiplier = 1.5,
        MaxDelay = TimeSpan.FromMilliseconds(200),
        Jitter = 0,
        MinimumInterval = TimeSpan.Zero,
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>The retry settings <see cref="ConfigureOptions"/> gives a client whose settings are the defaults.</summary>
    public static ZapierRetryOptions FastRetry { get; } = ZapierRetryOptions.Default with
    {
        BaseDelay = TimeSpan.FromMilliseconds(10),
        MaxDelay = TimeSpan.FromMilliseconds(200),
    };

    /// <summary>Declares an app.</summary>
    /// <param name="key">A short name (for example <c>crm</c>); actions named <c>crm:...</c> belong to it.</param>
    /// <param name="title">Its display name; <paramref name="key"/> when null.</param>
    /// <param name="id">Its canonical id; a new one when null.</param>
    /// <exception cref="ArgumentException">An app with this key or id exists.</exception>
    public SandboxApp AddApp(string key, string? title = null, Guid? id = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        var app = new SandboxApp(id ?? Guid.NewGuid(), key, title ?? key);
        lock (_gate)
        {
            if (_apps.Any(a => a.Key == key || a.Id == app.Id))
            {
                throw new ArgumentException($"The sandbox already has an app '{key}' or with id {app.Id}.", nameof(key));
            }

            _apps.Add(app);
        }

        return app;
    }

    /// <summary>Declares an action and how its runs go.</summary>
    /// <param name="actionId">The id creates name (for example <c>crm:create-contact</c>).</param>
    /// <param name="script">Builds the script of its runs; none: success with no results at the first poll.</param>
    /// <param name="type">Its type as listed (<c>WRITE</c> by default).</param>
    /// <param name="app">Its app; when null, the app whose key is the part of <paramref name="actionId"/> before
    /// <c>:</c> (made when missing), or an app <c>sandbox</c> for an id without <c>:</c>.</param>
    /// <param name="title">Its title; made from the id when null.</param>
    /// <exception cref="ArgumentException">An action with this id exists.</exception>
    public SandboxAction AddAction(string actionId, Action<ActionRunScript>? script = null, ActionType type = ActionType.Write, SandboxApp? app = null, string? title = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actionId);
        var runScript = new ActionRunScript();
        script?.Invoke(runScript);
        lock (_gate)
        {
            if (_actions.Any(a => a.Id == actionId))
            {
                throw new ArgumentException($"The sandbox already has an action '{actionId}'.", nameof(actionId));
            }

            var colon = actionId.IndexOf(':', StringComparison.Ordinal);
            var appKey = colon > 0 ? actionId[..colon] : "sandbox";
            app ??= _apps.FirstOrDefault(a => a.Key == appKey) ?? AddAppLocked(appKey);
            var name = colon > 0 ? actionId[(colon + 1)..] : actionId;
            var action = new SandboxAction(actionId, app, type, title ?? name.Replace('-', ' '), $"{title ?? name} (sandbox action).", runScript);
            _actions.Add(action);
            return action;
        }
    }

    /// <summary>Declares an authentication (a connected account) for <paramref name="app"/>.</summary>
    /// <param name="app">The app it connects.</param>
    /// <param name="id">Its id; <c>{app key}_Auth0001</c>, <c>..0002</c>, ... when null.</param>
    /// <param name="title">Its title; made from the app's when null.</param>
    /// <param name="isExpired">Listed as <c>is_expired</c>.</param>
    /// <exception cref="ArgumentException">An authentication with this id exists.</exception>
    public SandboxAuthentication AddAuthentication(SandboxApp app, string? id = null, string? title = null, bool isExpired = false)
    {
        ArgumentNullException.ThrowIfNull(app);
        lock (_gate)
        {
            id ??= $"{app.Key}_Auth{_authentications.Count(a => a.App == app) + 1:0000}";
            if (_authentications.Any(a => a.Id == id))
            {
                throw new ArgumentException($"The sandbox already has an authentication '{id}'.", nameof(id));
            }

            var authentication = new SandboxAuthentication(id, app, title ?? $"{app.Title} user@example.com", isExpired);
            _authentications.Add(authentication);
            return authentication;
        }
    }

    /// <summary>The app with this key.</summary>
    /// <exception cref="KeyNotFoundException">No such app.</exception>
    public SandboxApp App(string key) => Locked(() => _apps.FirstOrDefault(a => a.Key == key)) ?? throw new KeyNotFoundException($"The sandbox has no app '{key}'.");

    /// <summary>The action with this id.</summary>
    /// <exception cref="KeyNotFoundException">No such action.</exception>
    public SandboxAction Action(string actionId) =>
        FindAction(actionId) ?? throw new KeyNotFoundException($"The sandbox has no action '{actionId}'.");

    /// <summary>The run with this id.</summary>
    /// <exception cref="KeyNotFoundException">No run with this id was created.</exception>
    public SandboxRun Run(string runId) =>
        _runs.TryGetValue(runId, out var run) ? run : throw new KeyNotFoundException($"The sandbox has no run '{runId}'.");

    /// <summary>Stops the server; waits for callbacks being delivered.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Stops the server; waits for callbacks being delivered.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _released.TrySetResult(); // requests held by a NoAnswer fault get an answer, so the server can stop
        await WhenCallbacksDeliveredAsync().ConfigureAwait(false);
        _server.Stop();
        _server.Dispose();
        _callbackHttp.Dispose();
        _signingKey.Dispose();
    }

    internal SandboxAction? FindAction(string actionId) => Locked(() => _actions.FirstOrDefault(a => a.Id == actionId));

    private SandboxApp AddAppLocked(string key)
    {
        var app = new SandboxApp(Guid.NewGuid(), key, key);
        _apps.Add(app);
        return app;
    }

    private T Locked<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }

    /// <summary>Resets the connection of the request being answered (nothing is sent back).</summary>
    private static ResponseMessage Reset()
    {
        CurrentRequest.Value?.Abort();
        return new ResponseMessage { StatusCode = 500 };
    }
}
