using Microsoft.Extensions.Time.Testing;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests.ActionRuns;

/// <summary>A fake clock, a run stub on loopback and a client on both, made fresh for each test.</summary>
public abstract class FakeClockStubTest : IDisposable
{
    private protected FakeClockStubTest(DateTimeOffset start)
    {
        Clock = new FakeTimeProvider(start);
        Stub = new RunStub(Clock);
        Client = TestCredentials.FakeTimeClient(Clock, Stub.BaseUrl);
    }

    private protected FakeTimeProvider Clock { get; }

    private protected RunStub Stub { get; }

    private protected ZapierClient Client { get; }

    public void Dispose()
    {
        Client.Dispose();
        Stub.Dispose();
        GC.SuppressFinalize(this);
    }
}
