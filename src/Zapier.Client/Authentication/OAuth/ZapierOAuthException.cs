namespace Zapier.Client.Errors;

/// <summary>Zapier's token endpoint refused a request (or could not be reached): the OAuth error and its description.</summary>
public class ZapierOAuthException : ZapierException
{
    /// <summary>Creates the exception from the token endpoint's answer.</summary>
    public ZapierOAuthException(string message, string? error, string? errorDescription, int? statusCode, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
        ErrorDescription = errorDescription;
        StatusCode = statusCode;
    }

    /// <summary>The OAuth <c>error</c> code (e.g. <c>invalid_grant</c>), if the endpoint sent one.</summary>
    public string? Error { get; }

    /// <summary>The OAuth <c>error_description</c>, if the endpoint sent one.</summary>
    public string? ErrorDescription { get; }

    /// <summary>The HTTP status of the endpoint's answer, if one arrived.</summary>
    public int? StatusCode { get; }
}

/// <summary>
/// The user's authorization is gone: no tokens are stored for them, the token expired without a refresh token, or
/// Zapier refused the refresh token (<c>invalid_grant</c>: revoked or expired). Send the user through authorization
/// again (<see cref="Authentication.ZapierOAuthClient.CreateAuthorizationRequest"/>).
/// </summary>
public sealed class ZapierReauthorizationRequiredException : ZapierOAuthException
{
    /// <summary>Creates the exception for a user.</summary>
    public ZapierReauthorizationRequiredException(string userId, string message, string? error = null, string? errorDescription = null, int? statusCode = null)
        : base(message, error, errorDescription, statusCode)
    {
        UserId = userId;
    }

    /// <summary>The user who must authorize again.</summary>
    public string UserId { get; }
}
