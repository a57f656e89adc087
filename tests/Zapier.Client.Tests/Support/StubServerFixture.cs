using WireMock.Server;
using WireMock.Settings;

namespace Zapier.Client.Tests.Support;

/// <summary>One WireMock.Net server on a free loopback port, shared by the tests of a class and reset between them.</summary>
public sealed class StubServerFixture : IDisposable
{
    public StubServerFixture() =>
        Server = WireMockServer.Start(new WireMockServerSettings { StartAdminInterface = false, Urls = ["http://127.0.0.1:0"] });

    public WireMockServer Server { get; }

    public Uri BaseUrl => new(Server.Urls[0]);

    public void Dispose() => Server.Stop();
}
