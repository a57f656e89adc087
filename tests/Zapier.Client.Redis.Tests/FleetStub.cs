using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace Zapier.Client.Redis.Tests;

/// <summary>
/// A Partner API stub on loopback that enforces a rate limit the way Zapier describes it (every request counts; more
/// than the limit in a sliding window is answered 429 with Retry-After, and then every request is refused for a
/// cool-down), scaled in time. Requests count at the time they were sent (see <see cref="SentAt"/>). Every process comes from 127.0.0.1, so this is the per-address limit. It serves
/// POST /v2/action-runs (a new id per run) and GET /v2/action-runs/{id} (the run has succeeded), and counts; the
/// run <c>warmup</c> is answered without counting (the workers' warm-up).
/// </summary>
internal sealed class FleetStub : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<long> _arrivals = [];
    private readonly int _limit;
    private readonly long _window;
    private readonly long _coolDown;
    private long _coolDownUntil;
    private long _firstServed = -1;
    private long _lastServed;
    private int _served;
    private int _refused;
    private int _ids;

    /// <param name="perMinute">The limit, as requests a minute.</param>
    /// <param name="window">The sliding window it is counted over (the limit scaled to it).</param>
    /// <param name="coolDown">How long every request is refused after a breach (also the Retry-After).</param>
    public FleetStub(int perMinute, TimeSpan window, TimeSpan coolDown)
    {
        PerMinute = perMinute;
        _limit = (int)(perMinute * window / TimeSpan.FromMinutes(1));
        _window = (long)(window.TotalSeconds * Stopwatch.Frequency);
        _coolDown = (long)(coolDown.TotalSeconds * Stopwatch.Frequency);
        Server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = false });
        Server.Given(Request.Create().UsingAnyMethod().WithPath("/v2/action-runs*")).RespondWith(Response.Create().WithCallback(Answer));
    }

    public WireMockServer Server { get; }

    public Uri BaseUrl => new(Server.Urls[0]);

    public int PerMinute { get; }

    /// <summary>Runs created, by the action named in the request (a run created twice shows as 2).</summary>
    public ConcurrentDictionary<string, int> Created { get; } = new();

    public int Served => Volatile.Read(ref _served);



    /// <summary>Seconds from the first served request to the first 429, or -1.</summary>
    public double FirstRefusedAt { get; private set; } = -1;

    /// <summary>Seconds since the first served request.</summary>
    public double Now => (double)(Stopwatch.GetTimestamp() - _firstServed) / Stopwatch.Frequency;

    public int Refused => Volatile.Read(ref _refused);

    /// <summary>Each refused request: its method and path, and the seconds left of the cool-down when it was sent.</summary>
    public ConcurrentQueue<string> Refusals { get; } = new();

    /// <summary>Requests served a second, from the first served to the last served, as a share of the limit.</summary>
    public double AchievedShare
    {
        get
        {
            lock (_gate)
            {
                var seconds = (double)(_lastServed - _firstServed) / Stopwatch.Frequency;
                return _served < 2 || seconds <= 0 ? 0 : (_served - 1) / seconds / (PerMinute / 60.0);
            }
        }
    }

    /// <summary>Seconds from the first served request to the last.</summary>
    public double ServedSeconds
    {
        get
        {
            lock (_gate)
            {
                return (double)(_lastServed - _firstServed) / Stopwatch.Frequency;
            }
        }
    }

    public void Dispose() => Server.Stop();

    /// <summary>Starts the cool-down now, as after a breach by someone else: every request is refused until it ends.</summary>
    public void Breach()
    {
        lock (_gate)
        {
            _coolDownUntil = Stopwatch.GetTimestamp() + _coolDown;
        }
    }

    private ResponseMessage Answer(IRequestMessage request)
    {
        if (request.Path.EndsWith("/warmup", StringComparison.Ordinal))
        {
            return Json(200, """{"data":{"type":"run","status":"success","results":[],"errors":[]}}""");
        }

        var now = SentAt(request);
        lock (_gate)
        {
            var inWindow = _arrivals.Count(a => a > now - _window && a <= now);
            if (now < _coolDownUntil || inWindow >= _limit)
            {
                if (now >= _coolDownUntil)
                {
                    _coolDownUntil = now + _coolDown;
                }

                _refused++;
                Refusals.Enqueue($"{request.Method} {request.Path} {(double)(_coolDownUntil - now) / Stopwatch.Frequency:F3} s before the cool-down ends");
                if (FirstRefusedAt < 0)
                {
                    FirstRefusedAt = (double)(now - _firstServed) / Stopwatch.Frequency;
                }

                var seconds = Math.Max(1, (int)Math.Ceiling((double)(_coolDownUntil - now) / Stopwatch.Frequency));
                return Json(429, """{"errors":[{"status":429,"code":"throttled","title":"Too Many Requests","detail":"Slow down."}]}""", ("Retry-After", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }

            _arrivals.Add(now);
            _served++;
            if (_firstServed < 0)
            {
                _firstServed = now;
            }

            _lastServed = now;
        }

        if (request.Method == "POST")
        {
            var action = JsonNode.Parse(request.Body ?? "{}")?["data"]?["action"]?.GetValue<string>() ?? "?";
            Created.AddOrUpdate(action, 1, (_, n) => n + 1);
            var id = "run_" + Interlocked.Increment(ref _ids);
            return Json(200, $$$"""{"data":{"type":"run","id":"{{{id}}}"}}""");
        }

        return Json(200, """{"data":{"type":"run","status":"success","results":[{"id":1}],"errors":[]}}""");
    }

    /// <summary>
    /// When the request was sent: its <c>X-Sent-At</c> (Unix ms, stamped by the worker's transport) when it has one, else
    /// now; as a Stopwatch timestamp. Counting by send time keeps a stall of this (test) process from bunching arrivals.
    /// </summary>
    private static long SentAt(IRequestMessage request)
    {
        var now = Stopwatch.GetTimestamp();
        if (request.Headers?.TryGetValue("X-Sent-At", out var values) == true
            && double.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var ms))
        {
            var ago = DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch.AddTicks((long)(ms * TimeSpan.TicksPerMillisecond));
            return now - (long)(ago.TotalSeconds * Stopwatch.Frequency);
        }

        return now;
    }

    private static ResponseMessage Json(int status, string json, params (string Name, string Value)[] headers)
    {
        var message = new ResponseMessage
        {
            StatusCode = status,
            Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
            BodyData = new BodyData { BodyAsBytes = Encoding.UTF8.GetBytes(json), DetectedBodyType = BodyType.Bytes },
        };
        foreach (var (name, value) in headers)
        {
            message.Headers[name] = new WireMockList<string>(value);
        }

        return message;
    }
}
