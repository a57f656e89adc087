using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Zapier.Client.Tests.Support;

/// <summary>The ways a user obtains a client; suites that must behave the same whichever way run once per way.</summary>
public enum ClientWay
{
    /// <summary><c>new ZapierClient(options)</c>.</summary>
    Constructed,

    /// <summary>Resolved from a real host built with <c>Host.CreateApplicationBuilder</c> and <c>AddZapierClient</c>.</summary>
    Hosted,

    /// <summary><c>new ZapierClient(transport, options)</c> over the caller's own <see cref="SocketsHttpHandler"/>.</summary>
    CallerTransport,
}

/// <summary>A client made one of the <see cref="ClientWay"/>s, with whatever it needs kept alive until disposed.</summary>
internal sealed class ClientUnderTest : IDisposable
{
    private readonly IHost? _host;
    private readonly HttpMessageHandler? _transport;

    private ClientUnderTest(ZapierClient client, IHost? host, HttpMessageHandler? transport)
    {
        Client = client;
        _host = host;
        _transport = transport;
    }

    public ZapierClient Client { get; }

    /// <summary>
    /// Builds a client from <paramref name="options"/>. For <see cref="ClientWay.Hosted"/> the options are copied into
    /// the registration, except the clock and the loggers, which come from the container as an application's would.
    /// </summary>
    public static ClientUnderTest Create(ClientWay way, ZapierClientOptions options)
    {
        switch (way)
        {
            case ClientWay.Hosted:
                var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
                builder.Services.AddSingleton(options.TimeProvider);
                if (options.LoggerFactory is { } loggers)
                {
                    builder.Services.AddSingleton(loggers);
                }

                builder.Services.AddZapierClient(o =>
                {
                    o.BaseUrl = options.BaseUrl;
                    o.AccessToken = options.AccessToken;
                    o.AccessTokenProvider = options.AccessTokenProvider;
                    o.ClientId = options.ClientId;
                    o.Retry = options.Retry;
                    o.RequestTimeout = options.RequestTimeout;
                    o.RequestsPerMinute = options.RequestsPerMinute;
                    o.RateLimiter = options.RateLimiter;
                    o.ActionRunWaiting = options.ActionRunWaiting;
                    o.MaxResponseBytes = options.MaxResponseBytes;
                });
                var host = builder.Build();
                host.Start();
                return new ClientUnderTest(host.Services.GetRequiredService<ZapierClient>(), host, null);
            case ClientWay.CallerTransport:
                var transport = new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = System.Net.DecompressionMethods.All };
                return new ClientUnderTest(new ZapierClient(transport, options), null, transport);
            default:
                return new ClientUnderTest(new ZapierClient(options), null, null);
        }
    }

    public void Dispose()
    {
        Client.Dispose();
        _host?.Dispose();
        _transport?.Dispose();
    }
}
