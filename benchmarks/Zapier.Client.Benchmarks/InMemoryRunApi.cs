using System.Net;
using System.Text;

namespace Zapier.Client.Benchmarks;

/// <summary>
/// An in-memory stand-in for GET /v2/action-runs/{id}: each run answers "waiting" until the fake clock reaches its
/// completion time, then "success". Records how many polls each run took and when success was first seen. It also
/// answers POST /v2/action-runs with a new id ("run-1", "run-2", …), counted in <see cref="Creates"/>.
/// </summary>
internal sealed class InMemoryRunApi(TimeProvider clock, Func<string, DateTimeOffset> completesAt) : HttpMessageHandler
{
    private readonly Dictionary<string, (int Polls, DateTimeOffset? DetectedAt)> _runs = [];
    private int _creates;

    /// <summary>Runs created through POST so far.</summary>
    public int Creates => Volatile.Read(ref _creates);

    public (int Polls, DateTimeOffset? DetectedAt) Run(string id)
    {
        lock (_runs)
        {
            return _runs.GetValueOrDefault(id);
        }
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Post)
        {
            var created = "{\"data\":{\"type\":\"run\",\"id\":\"run-" + Interlocked.Increment(ref _creates) + "\"}}";
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(created, Encoding.UTF8, "application/json"),
                RequestMessage = request,
            });
        }

        var id = request.RequestUri!.Segments[^1];
        var now = clock.GetUtcNow();
        var done = now >= completesAt(id);
        lock (_runs)
        {
            var (polls, detected) = _runs.GetValueOrDefault(id);
            _runs[id] = (polls + 1, detected ?? (done ? now : null));
        }

        var status = done ? "success" : "waiting";
        var body = "{\"data\":{\"type\":\"run\",\"status\":\"" + status + "\",\"results\":[],\"errors\":[]}}";
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
            RequestMessage = request,
        });
    }
}
