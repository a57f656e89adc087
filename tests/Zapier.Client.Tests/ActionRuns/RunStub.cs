using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Zapier.Client.Tests.ActionRuns;

/// <summary>One scripted answer of the stub to a retrieval of a run.</summary>
internal sealed record Answer(int Status, JsonNode? Body, IReadOnlyDictionary<string, string>? Headers = null)
{
    public static Answer Run(string? status, JsonArray? errors = null, JsonArray? results = null)
    {
        var data = new JsonObject { ["type"] = "run", ["errors"] = errors ?? [], ["results"] = results ?? [] };
        if (status is not null)
        {
            data["status"] = status;
        }

        return new Answer(200, new JsonObject { ["data"] = data });
    }

    public static Answer Error(int status, params (string Name, string Value)[] headers) =>
        new(status, new JsonObject { ["errors"] = new JsonArray(new JsonObject { ["status"] = status, ["code"] = "e" + status, ["title"] = "T", ["detail"] = "D" }) },
            headers.ToDictionary(h => h.Name, h => h.Value));
}

/// <summary>
/// A WireMock stub of GET /v2/action-runs/{id} that answers each run's polls from a script (the last answer repeats)
/// and records, per poll, the fake clock's time, so tests can check the delays the waiter chose.
/// </summary>
internal sealed class RunStub : IDisposable
{
    private readonly FakeTimeProvider _clock;
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _polled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RunStub(FakeTimeProvider clock)
    {
        _clock = clock;
        Server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = false });
    }

    public WireMockServer Server { get; }

    public Uri BaseUrl => new(Server.Urls[0]);

    public ConcurrentQueue<(string Id, DateTimeOffset At)> Polls { get; } = new();

    public IReadOnlyList<DateTimeOffset> PollTimes(string id) => Polls.Where(p => p.Id == id).Select(p => p.At).ToList();

    /// <summary>Completes when the next poll (after this call) is recorded.</summary>
    public Task WhenPolledAsync()
    {
        lock (_gate)
        {
            return _polled.Task;
        }
    }

    public void Script(string id, params Answer[] answers) => Script(id, i => answers[Math.Min(i, answers.Length - 1)]);

    public void Script(string id, Func<int, Answer> answer)
    {
        Server.Given(Request.Create().UsingGet().WithPath("/v2/action-runs/" + id)).RespondWith(Response.Create().WithCallback(request =>
        {
            var index = _counts.AddOrUpdate(id, 0, (_, n) => n + 1);
            Record(id);
            return Build(answer(index));
        }));
    }

    /// <summary>
    /// Holds every poll of <paramref name="id"/> without answering until the stub is disposed: a server slower than
    /// any poll timeout. Each poll is recorded on arrival; the hold blocks no thread.
    /// </summary>
    public void Hang(string id) =>
        Server.Given(Request.Create().UsingGet().WithPath("/v2/action-runs/" + id)).RespondWith(Response.Create().WithCallback(async request =>
        {
            Record(id);
            await _released.Task.ConfigureAwait(false);
            return Build(Answer.Run("waiting"));
        }));

    private void Record(string id)
    {
        Polls.Enqueue((id, _clock.GetUtcNow()));
        TaskCompletionSource polled;
        lock (_gate)
        {
            polled = _polled;
            _polled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        polled.TrySetResult();
    }

    public void Dispose()
    {
        _released.TrySetResult();
        Server.Stop();
    }

    internal static ResponseMessage Build(Answer answer) =>
        new Faults.FaultAnswer(
            answer.Status,
            answer.Body is null ? null : Encoding.UTF8.GetBytes(answer.Body.ToJsonString()),
            Headers: [.. (answer.Headers ?? new Dictionary<string, string>()).Select(h => (h.Key, h.Value))]).ToResponse();
}
