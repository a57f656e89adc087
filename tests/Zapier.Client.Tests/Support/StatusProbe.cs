namespace Zapier.Client.Tests.Support;

/// <summary>
/// An action-run status no schema will add and no classification will list, for tests that need a status the client
/// does not know. A plausible value (say <c>paused</c>) would make those tests fail the day it is classified.
/// </summary>
internal static class StatusProbe
{
    public const string Unclassified = "x-unclassified-probe";
}
