using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Zapier.Client.ActionRuns;
using Zapier.Client.AspNetCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the receiver of Zapier's action-run callbacks (map it with <c>app.MapZapierActionRunCallbacks(...)</c>).</summary>
public static class ZapierCallbackServiceCollectionExtensions
{
    /// <summary>
    /// Registers the callback receiver and, unless one is registered already, an
    /// <see cref="InProcessActionRunCompletionChannel"/> as the <see cref="IActionRunCompletionChannel"/>: Zapier clients
    /// registered with <c>AddZapierClient</c> in the same container listen on it, so their waits end on the callbacks
    /// this process receives. Options are validated when the host starts.
    /// </summary>
    public static IServiceCollection AddZapierActionRunCallbacks(this IServiceCollection services, Action<ZapierActionRunCallbackOptions> configure) =>
        AddZapierActionRunCallbacks(services, configuration: null, configure ?? throw new ArgumentNullException(nameof(configure)));

    /// <summary>Like the other overload, with options bound from <paramref name="configuration"/> (e.g. the "Zapier:Callbacks" section) first.</summary>
    public static IServiceCollection AddZapierActionRunCallbacks(
        this IServiceCollection services, IConfiguration? configuration, Action<ZapierActionRunCallbackOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ZapierActionRunCallbackOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ZapierActionRunCallbackOptions>, CallbackOptionsValidator>());
        services.TryAddSingleton<IActionRunCompletionChannel, InProcessActionRunCompletionChannel>();
        services.TryAddSingleton<CallbackLog>();
        services.TryAddSingleton(sp => new SigningKeySource(
            sp.GetRequiredService<IOptions<ZapierActionRunCallbackOptions>>(), sp.GetRequiredService<IHttpClientFactory>(), Clock(sp), sp.GetRequiredService<CallbackLog>()));
        services.TryAddSingleton(sp => new ActionRunCallbackReceiver(
            sp.GetRequiredService<IOptions<ZapierActionRunCallbackOptions>>(), sp.GetRequiredService<SigningKeySource>(),
            sp.GetRequiredService<IActionRunCompletionChannel>(), Clock(sp), sp.GetRequiredService<CallbackLog>()));
        services.AddHttpClient(SigningKeySource.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false }); // keys come from the configured address only
        return services;
    }

    /// <summary>The container's clock when it has one (as the Zapier client uses), else the system's.</summary>
    private static TimeProvider Clock(IServiceProvider services) => services.GetService<TimeProvider>() ?? TimeProvider.System;

    private sealed class CallbackOptionsValidator : IValidateOptions<ZapierActionRunCallbackOptions>
    {
        public ValidateOptionsResult Validate(string? name, ZapierActionRunCallbackOptions options) =>
            options.Problems() is { Count: > 0 } problems
                ? ValidateOptionsResult.Fail(problems.Select(p => "Zapier action-run callbacks: " + p))
                : ValidateOptionsResult.Success;
    }
}
