namespace Zapier.Client.Errors;

/// <summary>Base type of every error the Zapier client reports.</summary>
public class ZapierException : Exception
{
    /// <summary>Creates the exception with a message a person can act on.</summary>
    public ZapierException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
