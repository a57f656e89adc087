namespace Zapier.Client.ActionRuns;

/// <summary>Reported before each wait between polls.</summary>
/// <param name="Id">The run's id.</param>
/// <param name="Status">The last observed status as sent (null before the first poll or when none was sent).</param>
/// <param name="Polls">Retrievals made so far by this wait.</param>
/// <param name="NextDelay">How long until the next retrieval.</param>
/// <param name="Elapsed">Time since the wait began.</param>
public readonly record struct ActionRunProgress(string Id, string? Status, int Polls, TimeSpan NextDelay, TimeSpan Elapsed);
