using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Zapier.Client.Redis;

/// <summary>Plugs a <see cref="ZapierRedisBudget"/> into a client: in code, or on an <c>AddZapierClient</c> registration.</summary>
public static class ZapierRedisBudgetExtensions
{
    /// <summary>
    /// Makes <paramref name="budget"/> the request budget of clients made from these options
    /// (<see cref="ZapierClientOptions.RateLimiter"/>), and shares the server's holds they receive with the fleet
    /// (<see cref="ZapierClientOptions.OnServerHold"/>; once, however often this is called). The clients do not dispose the budget.
    /// </summary>
    /// <returns>The same options, for chaining.</returns>
    public static ZapierClientOptions UseRedisBudget(this ZapierClientOptions options, ZapierRedisBudget budget)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(budget);
        options.RateLimiter = budget;
        options.OnServerHold -= budget.Hold; // called twice, the hold is still shared once
        options.OnServerHold += budget.Hold;
        return options;
    }

    /// <summary>
    /// Gives the Zapier client registered by <paramref name="builder"/> a fleet budget in Redis: one
    /// <see cref="ZapierRedisBudget"/> per registration, created when the client's options are first needed (at host
    /// start), disposed with the container. Without <see cref="ZapierRedisBudgetOptions.Configuration"/> or
    /// <see cref="ZapierRedisBudgetOptions.Connection"/>, an <see cref="IConnectionMultiplexer"/> from the container is
    /// used; without a logger factory, the container's.
    /// </summary>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="builder"/> was not returned by <c>AddZapierClient</c>.</exception>
    public static IHttpClientBuilder UseRedisBudget(this IHttpClientBuilder builder, Action<ZapierRedisBudgetOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var registration = RegistrationName(builder.Name);
        var key = builder.Name;
        builder.Services.AddKeyedSingleton(key, (services, _) =>
        {
            var settings = new ZapierRedisBudgetOptions();
            configure(settings);
            settings.LoggerFactory ??= services.GetService<ILoggerFactory>();
            if (settings.Connection is null && string.IsNullOrWhiteSpace(settings.Configuration))
            {
                settings.Connection = services.GetService<IConnectionMultiplexer>();
            }

            return ZapierRedisBudget.Create(settings);
        });
        builder.Services.AddOptions<ZapierClientOptions>(registration)
            .Configure<IServiceProvider>((options, services) => options.UseRedisBudget(services.GetRequiredKeyedService<ZapierRedisBudget>(key)));
        return builder;
    }

    /// <summary>The <c>AddZapierClient</c> name behind an <c>IHttpClientFactory</c> name ("Zapier.Client" or "Zapier.Client:name").</summary>
    private static string RegistrationName(string httpClientName)
    {
        const string Root = ZapierDiagnostics.Name;
        if (httpClientName == Root)
        {
            return string.Empty;
        }

        if (httpClientName.StartsWith(Root + ":", StringComparison.Ordinal))
        {
            return httpClientName[(Root.Length + 1)..];
        }

        throw new ArgumentException($"'{httpClientName}' is not a Zapier client; call UseRedisBudget on the builder AddZapierClient returns.", nameof(httpClientName));
    }
}
