using System.Globalization;

namespace Zapier.Client.Testing;

/// <summary>
/// A scripted failure the sandbox answers instead of a normal answer: on a create
/// (<see cref="ActionRunScript.FailCreates"/>) or on a poll (<see cref="ActionRunScript.Fault"/>).
/// </summary>
public sealed record SandboxFault
{
    private SandboxFault(int status, string code, string title, string detail, TimeSpan? retryAfter, bool reset, bool noAnswer = false)
    {
        IsNoAnswer = noAnswer;
        Status = status;
        Code = code;
        Title = title;
        Detail = detail;
        RetryAfter = retryAfter;
        IsConnectionReset = reset;
    }

    /// <summary>The HTTP status answered; 0 for a connection reset or a request left without an answer.</summary>
    public int Status { get; }

    /// <summary>The <c>code</c> of the one item of the answer's <c>errors[]</c>.</summary>
    public string Code { get; }

    /// <summary>The <c>title</c> of the one item of the answer's <c>errors[]</c>.</summary>
    public string Title { get; }

    /// <summary>The <c>detail</c> of the one item of the answer's <c>errors[]</c>.</summary>
    public string Detail { get; }

    /// <summary>The <c>Retry-After</c> header sent with the answer (whole seconds), if any.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>True when the connection is reset after the request is read: no answer at all.</summary>
    public bool IsConnectionReset { get; }

    /// <summary>True when the request is held without an answer (see <see cref="NoAnswer"/>).</summary>
    public bool IsNoAnswer { get; }

    /// <summary>429 Too Many Requests, as Zapier refuses a request before processing it.</summary>
    /// <param name="retryAfter">Sent as <c>Retry-After</c> in whole seconds (rounded up); none when null.</param>
    public static SandboxFault TooManyRequests(TimeSpan? retryAfter = null) =>
        new(429, "throttled", "Throttled", "Request was throttled.", retryAfter, false);

    /// <summary>A server error (500 by default; 502, 503, 504 are the usual others) with Zapier's error body.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The status is not 500 to 599.</exception>
    public static SandboxFault ServerError(int status = 500)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 500);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 599);
        return new(status, "error", "APIException", "A server error occurred.", null, false);
    }

    /// <summary>The connection is reset after the request was read: the caller cannot know whether it was processed.</summary>
    public static SandboxFault ConnectionReset() => new(0, "", "", "", null, true);

    /// <summary>
    /// The request is held without an answer until the client gives up on it (its attempt or poll timeout) or the
    /// sandbox is disposed: a server slower than any timeout. With the client on a fake clock, the timeout fires when
    /// the test moves the clock; no real time passes.
    /// </summary>
    public static SandboxFault NoAnswer() => new(0, "", "", "", null, false, noAnswer: true);

    /// <summary>Any error status with one error item of your choosing.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The status is not 400 to 599.</exception>
    public static SandboxFault Error(int status, string code, string title, string detail, TimeSpan? retryAfter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 599);
        ArgumentException.ThrowIfNullOrEmpty(code);
        return new(status, code, title, detail, retryAfter, false);
    }

    /// <inheritdoc />
    public override string ToString() =>
        IsConnectionReset ? "connection reset" : IsNoAnswer ? "no answer" : Status.ToString(CultureInfo.InvariantCulture) + " " + Code;
}
