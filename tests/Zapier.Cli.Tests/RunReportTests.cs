using Zapier.Client.ActionRuns;

namespace Zapier.Cli.Tests;

/// <summary>How a run's status maps to the run commands' outcome and exit code.</summary>
public sealed class RunReportTests
{
    [Theory]
    [InlineData(null, "in_progress", 0)]
    [InlineData("waiting", "in_progress", 0)]
    [InlineData("success", "success", 0)]
    [InlineData("error", "error", 1)]
    [InlineData("timeout", "ended", 1)]       // a final status Zapier might add: never one of the tool's own outcomes
    [InlineData("cancelled", "ended", 1)]
    [InlineData("expired", "ended", 1)]
    public void A_status_maps_to_its_outcome_and_an_unknown_end_to_ended(string? status, string outcome, int exitCode)
    {
        var (actualOutcome, actualExitCode) = RunReport.For(status is null ? null : new ActionRunStatus(status));

        Assert.Equal(outcome, actualOutcome);
        Assert.Equal(exitCode, actualExitCode);
    }
}
