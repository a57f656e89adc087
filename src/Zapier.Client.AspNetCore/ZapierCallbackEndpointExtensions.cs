using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Zapier.Client.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the endpoint Zapier posts action-run callbacks to.</summary>
public static class ZapierCallbackEndpointExtensions
{
    /// <summary>
    /// Maps <c>POST <paramref name="pattern"/></c> to the callback receiver registered by
    /// <c>services.AddZapierActionRunCallbacks(...)</c>. The endpoint allows anonymous requests (the signature is the
    /// authentication) and answers 204 to a verified callback, 401 to a bad signature, 413 to a body over the cap, 400
    /// to a body that is not a finished run and 503 when it cannot verify or pass the callback on (Zapier retries
    /// 5xx). Give Zapier this endpoint's public https address as the callback URL.
    /// </summary>
    /// <returns>The endpoint's builder, for more conventions (rate limiting, host filtering).</returns>
    public static IEndpointConventionBuilder MapZapierActionRunCallbacks(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        var receiver = endpoints.ServiceProvider.GetService<ActionRunCallbackReceiver>()
            ?? throw new InvalidOperationException(
                "The Zapier callback receiver is not registered: call builder.Services.AddZapierActionRunCallbacks(...) before mapping it.");
        return endpoints.MapPost(pattern, receiver.HandleAsync)
            .AllowAnonymous()
            .WithDisplayName("Zapier action-run callbacks");
    }
}
