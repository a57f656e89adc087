using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Zapier.Client.DependencyInjection;

/// <summary>One <c>AddZapierClient</c> call, kept in the service collection to refuse a second one with the same name.</summary>
internal sealed record ZapierClientRegistration(string Name);

/// <summary>The names registered with <c>AddZapierClient</c>.</summary>
internal sealed class ZapierClientRegistrations
{
    public HashSet<string> Names { get; } = new(StringComparer.Ordinal);

    /// <summary>The <c>IHttpClientFactory</c> name of a registration.</summary>
    public static string HttpClientName(string name) => name.Length == 0 ? ZapierDiagnostics.Name : ZapierDiagnostics.Name + ":" + name;
}

/// <summary>
/// One <see cref="ZapierClientCore"/> per registration, made on first use from the named options (with the
/// container's <see cref="TimeProvider"/>, logger factory and token provider filling what the options leave unset) and
/// disposed with the container.
/// </summary>
internal sealed class ZapierClientRegistry(
    IServiceProvider services, IOptionsMonitor<ZapierClientOptions> options, IOptions<ZapierClientRegistrations> registrations,
    IHttpClientFactory httpClients) : IZapierClientFactory, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<ZapierClientCore>> _cores = new(StringComparer.Ordinal);

    public ZapierClientCore Core(string name)
    {
        if (!registrations.Value.Names.Contains(name))
        {
            throw new InvalidOperationException(
                $"No Zapier client is registered as '{name}'. Register it with services.AddZapierClient(\"{name}\", ...).");
        }

        return _cores.GetOrAdd(name, n => new Lazy<ZapierClientCore>(() => Create(n))).Value;
    }

    public ZapierClient CreateClient(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var core = Core(name);
        return new ZapierClient(core, httpClients.CreateClient(ZapierClientRegistrations.HttpClientName(name)), ownsCore: false, ownsHttpClient: true);
    }

    public void Dispose()
    {
        foreach (var core in _cores.Values.Where(c => c.IsValueCreated))
        {
            core.Value.Dispose();
        }
    }

    private ZapierClientCore Create(string name)
    {
        var settings = options.Get(name).Clone();
        if (ReferenceEquals(settings.TimeProvider, TimeProvider.System) && services.GetService<TimeProvider>() is { } time)
        {
            settings.TimeProvider = time;
        }

        settings.LoggerFactory ??= services.GetService<ILoggerFactory>();
        if (settings.AccessToken is null && settings.AccessTokenProvider is null
            && (services.GetKeyedService<IZapierAccessTokenProvider>(ZapierClientRegistrations.HttpClientName(name))
                ?? (name.Length == 0 ? services.GetService<IZapierAccessTokenProvider>() : null)) is { } provider)
        {
            settings.AccessTokenProvider = provider.GetAccessTokenAsync;
        }

        return new ZapierClientCore(settings);
    }
}

/// <summary>Checks the options of each registration when the host starts, with every problem in one message.</summary>
internal sealed class ZapierClientOptionsValidator(IOptions<ZapierClientRegistrations> registrations) : IValidateOptions<ZapierClientOptions>
{
    public ValidateOptionsResult Validate(string? name, ZapierClientOptions options)
    {
        name ??= Options.DefaultName;
        if (!registrations.Value.Names.Contains(name))
        {
            return ValidateOptionsResult.Skip;
        }

        var label = name.Length == 0 ? "Zapier client" : $"Zapier client '{name}'";
        var problems = options.Problems();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems.Select(p => $"{label}: {p}"));
    }
}
