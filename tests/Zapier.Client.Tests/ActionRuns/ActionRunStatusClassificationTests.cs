using System.Reflection;
using System.Runtime.Serialization;
using Zapier.Client.ActionRuns;
using Zapier.Client.Generated.Models;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests.ActionRuns;

/// <summary>
/// Every status the schema can send is classified as in progress or finished in one place,
/// <see cref="ActionRunStatus.Classification"/>. A refresh that adds a status (say <c>paused</c>) to the generated
/// enum must fail here, not silently end every wait at the first poll.
/// </summary>
public sealed class ActionRunStatusClassificationTests
{
    private const string Place = "ActionRunStatus.Classification (src/Zapier.Client/ActionRuns/ActionRunStatus.cs)";

    [Fact]
    public void Every_value_of_the_generated_status_enum_is_classified_as_in_progress_or_finished()
    {
        var values = WireValues(typeof(ActionRunResponseStatusEnum));

        Assert.True(ClassificationProblem(typeof(ActionRunResponseStatusEnum)) is null, ClassificationProblem(typeof(ActionRunResponseStatusEnum)));
        Assert.Contains("waiting", values); // the check above read the wire values, not the member names
        Assert.All(values, v => Assert.True(new ActionRunStatus(v).IsKnown, v));
    }

    [Fact]
    public void A_status_enum_with_an_unclassified_value_is_reported_naming_the_value_and_the_classification()
    {
        var problem = ClassificationProblem(typeof(SyntheticStatus));

        Assert.NotNull(problem);
        Assert.Contains($"\"{StatusProbe.Unclassified}\"", problem, StringComparison.Ordinal);
        Assert.Contains(Place, problem, StringComparison.Ordinal);
        Assert.DoesNotContain("\"waiting\"", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_classification_says_which_statuses_keep_a_wait_going()
    {
        // Derived from the table, so classifying a new status changes no expectation here.
        Assert.All(ActionRunStatus.Classification, c =>
        {
            var status = new ActionRunStatus(c.Key);
            Assert.Equal(c.Value, status.IsInProgress);
            Assert.True(status.IsKnown, c.Key);
        });
        Assert.True(ActionRunStatus.Waiting.IsInProgress);
        Assert.False(ActionRunStatus.Success.IsInProgress);
        Assert.False(ActionRunStatus.Error.IsInProgress);
        Assert.False(new ActionRunStatus(StatusProbe.Unclassified).IsInProgress);
        Assert.False(new ActionRunStatus(StatusProbe.Unclassified).IsKnown);
        Assert.False(default(ActionRunStatus).IsKnown);
    }

    /// <summary>Null when every wire value of <paramref name="statusEnum"/> is classified; else what to add where.</summary>
    private static string? ClassificationProblem(Type statusEnum)
    {
        var missing = WireValues(statusEnum).Where(v => !ActionRunStatus.Classification.ContainsKey(v)).ToList();
        return missing.Count == 0
            ? null
            : $"{statusEnum.Name} has values that are neither in progress nor finished: {string.Join(", ", missing.Select(v => $"\"{v}\""))}. " +
              $"Classify each in {Place}: true keeps a wait polling, false ends it.";
    }

    /// <summary>The values the server sends for each member: its EnumMember value, else its name.</summary>
    private static List<string> WireValues(Type statusEnum) =>
        statusEnum.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => f.GetCustomAttribute<EnumMemberAttribute>()?.Value ?? f.Name)
            .ToList();

    /// <summary>The generated enum as a refresh that adds a value missing from the classification would make it.</summary>
    private enum SyntheticStatus
    {
        [EnumMember(Value = "success")]
        Success,
        [EnumMember(Value = "error")]
        Error,
        [EnumMember(Value = "waiting")]
        Waiting,
        [EnumMember(Value = StatusProbe.Unclassified)]
        Unclassified,
    }
}
