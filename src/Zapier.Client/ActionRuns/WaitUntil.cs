namespace Zapier.Client.ActionRuns;

/// <summary>How far a start call goes before it returns.</summary>
public enum WaitUntil
{
    /// <summary>Return once the run has been created.</summary>
    Started,

    /// <summary>Return once the run has ended (or the wait's deadline has passed).</summary>
    Completed,
}
