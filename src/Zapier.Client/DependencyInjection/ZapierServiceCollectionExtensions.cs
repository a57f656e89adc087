using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using Zapier.Client;
using Zapier.Client.DependencyInjection;
using Zapier.Client.Http;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="ZapierClient"/> in a service collection, through <c>IHttpClientFactory</c>.</summary>
public static class ZapierServiceCollectionExtensions
{
    /// <summary>
    /// Registers the unnamed Zapier client: <see cref="ZapierClient"/> and <see cref="IZapierClientFactory"/> can be
    /// injected. Options are validated when the host starts.
    /// </summary>
    /// <returns>The client's <see cref="IHttpClientBuilder"/>: handlers you add run inside the client's pipeline, per attempt.</returns>
    public static IHttpClientBuilder AddZapierClient(this IServiceCollection services, Action<ZapierClientOptions> configure) =>
        AddZapierClient(services, Options.Options.DefaultName, configuration: null, configure ?? throw new ArgumentNullException(nameof(configure)));

    /// <summary>Registers the unnamed Zapier client with options bound from <paramref name="configuration"/> (e.g. the "Zapier" section).</summary>
    /// <returns>The client's <see cref="IHttpClientBuilder"/>.</returns>
    public static IHttpClientBuilder AddZapierClient(this IServiceCollection services, IConfiguration configuration, Action<ZapierClientOptions>? configure = null) =>
        AddZapierClient(services, Options.Options.DefaultName, configuration ?? throw new ArgumentNullException(nameof(configuration)), configure);

    /// <summary>
    /// Registers a named Zapier client (several partners or tokens side by side); get it from
    /// <see cref="IZapierClientFactory.CreateClient"/>. Options come from <paramref name="configuration"/>, then
    /// <paramref name="configure"/>; either may be null.
    /// </summary>
    /// <returns>The client's <see cref="IHttpClientBuilder"/>.</returns>
    public static IHttpClientBuilder AddZapierClient(
        this IServiceCollection services, string name, IConfiguration? configuration, Action<ZapierClientOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        if (services.Any(d => d.ServiceType == typeof(ZapierClientRegistration) && Equals(d.ImplementationInstance, new ZapierClientRegistration(name))))
        {
            throw new InvalidOperationException(
                $"A Zapier client named '{name}' is registered already; a second registration would put a second pipeline in front of the first.");
        }

        services.AddSingleton(new ZapierClientRegistration(name));

        var options = services.AddOptions<ZapierClientOptions>(name)
            // Binding writes into nested objects: give this registration its own copies, never the shared defaults.
            .Configure(o =>
            {
                o.Retry = o.Retry with { };
                o.ActionRunWaiting = o.ActionRunWaiting with { };
            });
        if (configuration is not null)
        {
            options.Bind(configuration);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        // Waits listen on the container's completion channel (the one the callback receiver publishes on), if any.
        options.PostConfigure<IServiceProvider>((o, sp) => o.ActionRunCompletions ??= sp.GetService<Zapier.Client.ActionRuns.IActionRunCompletionChannel>());
        options.ValidateOnStart();
        services.Configure<ZapierClientRegistrations>(r => r.Names.Add(name));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ZapierClientOptions>, ZapierClientOptionsValidator>());
        services.TryAddSingleton<ZapierClientRegistry>();
        services.TryAddSingleton<IZapierClientFactory>(sp => sp.GetRequiredService<ZapierClientRegistry>());
        if (name.Length == 0)
        {
            services.TryAddTransient(sp => sp.GetRequiredService<IZapierClientFactory>().CreateClient(string.Empty));
        }

        var httpName = ZapierClientRegistrations.HttpClientName(name);
        var builder = services.AddHttpClient(httpName, HttpPipeline.Identify);
        builder.ConfigurePrimaryHttpMessageHandler(HttpPipeline.DefaultTransport);

        // After every other configuration (including ConfigureHttpClientDefaults): the pipeline goes outermost, and a
        // retry layer added to every HttpClient is taken out, since a second retry layer would send a POST again.
        services.PostConfigure<HttpClientFactoryOptions>(httpName, factory => factory.HttpMessageHandlerBuilderActions.Add(handlers =>
        {
            var core = handlers.Services.GetRequiredService<ZapierClientRegistry>().Core(name);
            HttpPipeline.StopAutoRedirect(handlers.PrimaryHandler); // a primary handler of the caller's must not follow redirects itself
            foreach (var retry in handlers.AdditionalHandlers.Where(IsRetryLayer).ToList())
            {
                handlers.AdditionalHandlers.Remove(retry);
                core.Log.RetryLayerRemoved(retry.GetType().FullName ?? retry.GetType().Name, name.Length == 0 ? "(unnamed)" : name);
            }

            var index = 0;
            foreach (var handler in HttpPipeline.Handlers(core))
            {
                handlers.AdditionalHandlers.Insert(index++, handler);
            }
        }));
        return builder;
    }

    /// <summary>Handlers that retry by themselves: Microsoft.Extensions.Http.Resilience's and Polly v7's, by type name.</summary>
    private static bool IsRetryLayer(DelegatingHandler handler) =>
        handler.GetType().FullName is "Microsoft.Extensions.Http.Resilience.ResilienceHandler" or "Microsoft.Extensions.Http.PolicyHttpMessageHandler"
        || handler.GetType().Namespace == "Microsoft.Extensions.Http.Resilience";

    /// <summary>
    /// Makes <typeparamref name="TProvider"/> (a singleton) supply the access tokens of the Zapier client registered by
    /// <paramref name="builder"/>, when its options set no token of their own.
    /// </summary>
    public static IHttpClientBuilder AddZapierAccessTokenProvider<TProvider>(this IHttpClientBuilder builder)
        where TProvider : class, IZapierAccessTokenProvider
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddKeyedSingleton<IZapierAccessTokenProvider, TProvider>(builder.Name);
        return builder;
    }
}
