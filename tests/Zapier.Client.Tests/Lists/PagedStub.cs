using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using Zapier.Client.Tests.Faults;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests.Lists;

/// <summary>
/// A WireMock stub on loopback that answers each request from a function of the request, and a client on a fake clock
/// against it (its request budget spaces the pages, so the tests drive the clock with <see cref="FakeTimeDriver"/>).
/// </summary>
internal sealed class PagedStub : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);

    public PagedStub(Func<IRequestMessage, FaultAnswer> answer, TimeSpan? inputFieldsCacheDuration = null)
        : this(r => Task.FromResult(answer(r)), inputFieldsCacheDuration)
    {
    }

    /// <summary>A stub whose answers may wait (a request held until the test releases it).</summary>
    public PagedStub(Func<IRequestMessage, Task<FaultAnswer>> answer, TimeSpan? inputFieldsCacheDuration = null)
    {
        Server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = false });
        Server.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithCallback(async r => (await answer(r)).ToResponse()));
        Client = new ZapierClient(new ZapierClientOptions
        {
            BaseUrl = BaseUrl,
            AccessToken = TestCredentials.AccessToken,
            ClientId = TestCredentials.ClientId,
            TimeProvider = Clock,
            InputFieldsCacheDuration = inputFieldsCacheDuration ?? TimeSpan.FromMinutes(15),
        });
    }

    public FakeTimeProvider Clock { get; } = new(Start);

    public WireMockServer Server { get; }

    public ZapierClient Client { get; }

    public Uri BaseUrl => new(Server.Urls[0]);

    /// <summary>The requests that reached the stub, in order.</summary>
    public IReadOnlyList<IRequestMessage> Requests => [.. Server.LogEntries.OrderBy(e => e.RequestMessage.DateTime).Select(e => e.RequestMessage)];

    /// <summary>A request's query as "name=value" pairs, sorted, without the client id (a credential, added per operation).</summary>
    public static string QueryOf(IRequestMessage request) =>
        string.Join("&", (request.Query ?? new Dictionary<string, WireMock.Types.WireMockList<string>>())
            .Where(q => q.Key != "client_id")
            .SelectMany(q => q.Value.Select(v => q.Key + "=" + v)).Order(StringComparer.Ordinal));

    /// <summary>A request's JSON body.</summary>
    public static JsonNode? BodyOf(IRequestMessage request) => request.Body is { } body ? JsonNode.Parse(body) : null;

    /// <summary>Runs a call to its end on the fake clock.</summary>
    public Task<T> DriveAsync<T>(Task<T> call) => FakeTimeDriver.DriveAsync(Clock, Client, call);

    /// <summary>Reads a stream to its end (or its error) on the fake clock; the items read before an error stay in <paramref name="into"/>.</summary>
    public async Task<List<T>> ReadAsync<T>(IAsyncEnumerable<T> items, List<T>? into = null)
    {
        var list = into ?? [];
        await DriveAsync(Collect());
        return list;

        async Task<int> Collect()
        {
            await foreach (var item in items)
            {
                list.Add(item);
            }

            return list.Count;
        }
    }

    public void Dispose()
    {
        Client.Dispose();
        Server.Stop();
    }
}
