using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Zapier.Client.ActionRuns;

namespace Zapier.Client.AspNetCore.Tests.Support;

/// <summary>
/// A minimal-API application on loopback (Kestrel, port 0) hosting the callback receiver at
/// <see cref="Path"/>, on a fake clock; it records what the receiver publishes on the completion channel.
/// </summary>
internal sealed class CallbackHost : IAsyncDisposable
{
    public const string Path = "/zapier/action-runs/callback";

    private readonly IDisposable _subscription;

    private CallbackHost(WebApplication app)
    {
        App = app;
        CallbackUrl = new Uri(FakeZapier.Address(app), Path);
        Channel = app.Services.GetRequiredService<IActionRunCompletionChannel>();
        _subscription = Channel.Subscribe(Published.Enqueue);
    }

    public WebApplication App { get; }

    public Uri CallbackUrl { get; }

    public IActionRunCompletionChannel Channel { get; }

    /// <summary>Every completion the receiver published, in order.</summary>
    public ConcurrentQueue<ActionRunCompletion> Published { get; } = new();

    public IServiceProvider Services => App.Services;

    public static async Task<CallbackHost> StartAsync(
        FakeTimeProvider clock, Action<ZapierActionRunCallbackOptions> configure, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddZapierActionRunCallbacks(configure);
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapZapierActionRunCallbacks(Path);
        app.Urls.Add("http://127.0.0.1:0");
        await app.StartAsync();
        return new CallbackHost(app);
    }

    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        await App.DisposeAsync();
    }
}
