namespace Zapier.Client.Errors;

/// <summary>
/// A response could not be used as the API describes it: not JSON, invalid or truncated JSON, JSON of the wrong kind
/// (an array or a scalar where an object is expected), too large, a redirect the client does not follow (to another
/// origin, of a method other than GET, of GET /v2/authorize) or a redirect loop, a success status carrying an error
/// document, an unsafe link, or a run that keeps coming back without a status.
/// </summary>
public sealed class ZapierProtocolException : ZapierException
{
    internal ZapierProtocolException(string message, string? bodySnippet = null, Exception? inner = null)
        : base(string.IsNullOrEmpty(bodySnippet) ? message : $"{message} The body starts: {bodySnippet}", inner)
    {
        BodySnippet = bodySnippet;
    }

    /// <summary>The start of the body (at most 512 characters), when there was one to quote.</summary>
    public string? BodySnippet { get; }
}
