using System.Text.Json.Nodes;

namespace Zapier.Client.Testing;

/// <summary>
/// What the code under test sent to the sandbox, in order: every request, every create of a run with its inputs,
/// every poll of a run, every callback the sandbox delivered. Safe to read while requests arrive; each property
/// returns a snapshot.
/// </summary>
public sealed class SandboxJournal
{
    private readonly Lock _gate = new();
    private readonly List<SandboxRequest> _requests = [];
    private readonly List<SandboxCreate> _creates = [];
    private readonly List<SandboxPoll> _polls = [];
    private readonly List<SandboxCallback> _callbacks = [];

    internal SandboxJournal()
    {
    }

    /// <summary>Every request received (unauthorized, rate-limited and unknown ones included), with the status answered (0 for a reset connection).</summary>
    public IReadOnlyList<SandboxRequest> Requests => Snapshot(_requests);

    /// <summary>Every create (<c>POST /v2/action-runs</c>) that carried the token, was not refused by the rate limit and names an action, whatever it was answered (refused, faulted or made); the others are in <see cref="Requests"/> only.</summary>
    public IReadOnlyList<SandboxCreate> Creates => Snapshot(_creates);

    /// <summary>Every poll (<c>GET /v2/action-runs/{id}</c>) of a run the sandbox knows that carried the token and was not refused by the rate limit, whatever it was answered.</summary>
    public IReadOnlyList<SandboxPoll> Polls => Snapshot(_polls);

    /// <summary>Every callback the sandbox POSTed to a run's <c>callback_url</c>, with the receiver's answer.</summary>
    public IReadOnlyList<SandboxCallback> Callbacks => Snapshot(_callbacks);

    /// <summary>The creates of one action, in order (refused ones included: see <see cref="SandboxCreate.Status"/>).</summary>
    public IReadOnlyList<SandboxCreate> CreatesOf(string actionId)
    {
        lock (_gate)
        {
            return _creates.Where(c => c.ActionId == actionId).ToList();
        }
    }

    /// <summary>The polls of one run, in order.</summary>
    public IReadOnlyList<SandboxPoll> PollsOf(string runId)
    {
        lock (_gate)
        {
            return _polls.Where(p => p.RunId == runId).ToList();
        }
    }

    /// <summary>The requests whose path starts with <paramref name="pathPrefix"/> (for example <c>/v2/actions</c>), in order.</summary>
    public IReadOnlyList<SandboxRequest> RequestsTo(string pathPrefix)
    {
        lock (_gate)
        {
            return _requests.Where(r => r.Path.StartsWith(pathPrefix, StringComparison.Ordinal)).ToList();
        }
    }

    /// <summary>Forgets everything recorded so far (the sandbox's apps, actions and runs stay).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _requests.Clear();
            _creates.Clear();
            _polls.Clear();
            _callbacks.Clear();
        }
    }

    internal void Add(SandboxRequest request) => Append(_requests, request);

    internal void Add(SandboxCreate create) => Append(_creates, create);

    internal void Add(SandboxPoll poll) => Append(_polls, poll);

    internal void Add(SandboxCallback callback) => Append(_callbacks, callback);

    private void Append<T>(List<T> list, T item)
    {
        lock (_gate)
        {
            list.Add(item);
        }
    }

    private List<T> Snapshot<T>(List<T> list)
    {
        lock (_gate)
        {
            return [.. list];
        }
    }
}

/// <summary>One request the sandbox received.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path, without the query.</param>
/// <param name="Query">The query string with its <c>?</c>, or empty.</param>
/// <param name="Authorized">True when it carried the sandbox's bearer token.</param>
/// <param name="Status">The status answered; 0 when the connection was reset or the request held without an answer.</param>
/// <param name="At">When it arrived, on <see cref="ZapierSandboxOptions.TimeProvider"/>.</param>
public sealed record SandboxRequest(string Method, string Path, string Query, bool Authorized, int Status, DateTimeOffset At);

/// <summary>One create of a run (<c>POST /v2/action-runs</c>) as the code under test sent it.</summary>
/// <param name="ActionId">The body's <c>data.action</c>.</param>
/// <param name="Authentication">The body's <c>data.authentication</c> (null when sent as null or missing).</param>
/// <param name="Inputs">The body's <c>data.inputs</c> (an empty object when missing).</param>
/// <param name="CallbackUrl">The body's <c>data.callback_url</c>, if any.</param>
/// <param name="Status">The status answered (200 when a run was made; 0 for a reset connection or a request held without an answer).</param>
/// <param name="RunId">The id of the run made, or null when the create was refused.</param>
/// <param name="At">When it arrived.</param>
public sealed record SandboxCreate(string ActionId, string? Authentication, JsonObject Inputs, string? CallbackUrl, int Status, string? RunId, DateTimeOffset At)
{
    /// <summary>True when the create made a run.</summary>
    public bool Succeeded => RunId is not null;

    /// <summary>The input <paramref name="key"/> as text (a JSON string's value, otherwise its JSON), or null when absent.</summary>
    public string? Input(string key) => Inputs[key] switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        var node => node.ToJsonString(),
    };
}

/// <summary>One poll of a run (<c>GET /v2/action-runs/{id}</c>).</summary>
/// <param name="RunId">The run polled.</param>
/// <param name="Number">1 for the run's first poll, 2 for the second, ...</param>
/// <param name="RunStatus">The run status answered (<c>waiting</c>, <c>success</c>, ...), or null when a fault was answered.</param>
/// <param name="Status">The HTTP status answered (0 for a reset connection or a request held without an answer).</param>
/// <param name="At">When it arrived.</param>
public sealed record SandboxPoll(string RunId, int Number, string? RunStatus, int Status, DateTimeOffset At);

/// <summary>One callback the sandbox delivered to a run's <c>callback_url</c>.</summary>
/// <param name="RunId">The run reported.</param>
/// <param name="Url">Where it was POSTed (after <see cref="ZapierSandboxOptions.CallbackAddress"/>).</param>
/// <param name="RunStatus">The status reported.</param>
/// <param name="Status">The receiver's answer; 0 when it could not be reached.</param>
/// <param name="Attempt">1 for the first delivery, up to 3 (Zapier's attempts in all).</param>
public sealed record SandboxCallback(string RunId, Uri Url, string RunStatus, int Status, int Attempt);
