namespace Zapier.Client;

/// <summary>
/// Hands out clients of the registrations made with <c>AddZapierClient</c>. Every client of one registration shares
/// its request budget, scheduler and retry pipelines; its HTTP handlers come from <c>IHttpClientFactory</c>.
/// Clients are cheap: create one where you need it and dispose it when done (the shared parts stay).
/// </summary>
public interface IZapierClientFactory
{
    /// <summary>A client of the registration named <paramref name="name"/> (<see cref="string.Empty"/> for the unnamed one).</summary>
    /// <exception cref="InvalidOperationException">No Zapier client was registered under that name.</exception>
    ZapierClient CreateClient(string name);
}
