namespace Zapier.Client.Errors;

/// <summary>
/// Thrown before a request is sent when the operation needs credentials the client was not given
/// (for example an access token for an OAuth-only operation).
/// </summary>
public sealed class ZapierCredentialsException : ZapierException
{
    /// <summary>Creates the exception for an operation and the credentials it needs.</summary>
    public ZapierCredentialsException(string operationId, string message)
        : base(message)
    {
        OperationId = operationId;
    }

    /// <summary>The schema's operationId of the request that could not be authenticated.</summary>
    public string OperationId { get; }
}
