namespace Zapier.Client.Errors;

/// <summary>A request took longer than allowed: one attempt (<see cref="PerAttempt"/>) or the whole call with its retries.</summary>
public sealed class ZapierTimeoutException : ZapierException
{
    internal ZapierTimeoutException(string method, string path, bool perAttempt, TimeSpan? limit, Exception inner)
        : base($"Zapier API request {method} {path} timed out" +
               (perAttempt ? " on its last attempt" : " (the call with its retries)") +
               (limit is { } l ? $" after {l.TotalSeconds:0.#} s" : string.Empty) + ".", inner)
    {
        Method = method;
        Path = path;
        PerAttempt = perAttempt;
    }

    /// <summary>The HTTP method of the request.</summary>
    public string Method { get; }

    /// <summary>The request's path (without the query string).</summary>
    public string Path { get; }

    /// <summary>True when a single attempt timed out; false when the total time for the call ran out.</summary>
    public bool PerAttempt { get; }
}
