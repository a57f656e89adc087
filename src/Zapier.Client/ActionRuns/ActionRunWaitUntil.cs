namespace Zapier.Client.ActionRuns;

/// <summary>
/// How far <see cref="ZapierClient.RunActionAsync"/> goes before it returns. (Not named <c>WaitUntil</c>, which
/// would clash with <c>Azure.WaitUntil</c> in applications that use both SDKs.)
/// </summary>
public enum ActionRunWaitUntil
{
    /// <summary>Return once the run has been created.</summary>
    Started,

    /// <summary>Return once the run has ended (or the wait's deadline has passed).</summary>
    Completed,
}
