namespace Zapier.Client.Errors;

/// <summary>
/// The request or its response was lost on the way: connection refused or reset, DNS failure, TLS failure, or a body
/// cut short. Nothing is known about whether Zapier processed a request that was sent.
/// </summary>
public sealed class ZapierNetworkException : ZapierException
{
    internal ZapierNetworkException(string method, string path, Exception inner)
        : base($"Zapier API request {method} {path} failed on the network: {inner.Message}", inner)
    {
        Method = method;
        Path = path;
    }

    /// <summary>The HTTP method of the request.</summary>
    public string Method { get; }

    /// <summary>The request's path (without the query string).</summary>
    public string Path { get; }
}
