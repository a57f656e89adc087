using System.Reflection;

namespace Zapier.Client.Tests.Lists;

/// <summary>Every list operation of the schema has an item stream of its own items; nothing else has one.</summary>
public sealed class ListCoverageTests
{
    public static TheoryData<string> Lists() => [.. ListOperations.All.Select(o => o.Id)];

    [Fact]
    public void The_schema_derivation_finds_the_v1_and_v2_lists()
    {
        // A guard on the derivation itself: if it found nothing, the coverage theory below would pass vacuously.
        Assert.Superset(
            new HashSet<string>(["get-zap-runs", "get-v2-zaps", "get-actions", "get-fields-inputs", "get-choices", "test-action", "v1_apps_list", "v1_zap_templates_list"]),
            ListOperations.All.Select(o => o.Id).ToHashSet());
        Assert.DoesNotContain(ListOperations.All, o => o.Id is "create-authentication" or "retrieve-action-run" or "v1_profiles_me_list");
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public void Each_list_operation_has_a_ListAsync_stream_of_its_page_items(string operationId)
    {
        var operation = ListOperations.All.Single(o => o.Id == operationId);
        var (builder, method) = ListOperations.BuilderOf(operation);
        var item = ListOperations.ItemTypeOf(method);

        var streams = Streams(builder);

        Assert.True(streams.Count > 0, $"{operation} is a list, but {builder.FullName} has no ListAsync item stream.");
        Assert.All(streams, s => Assert.Equal(typeof(IAsyncEnumerable<>).MakeGenericType(item), s.ReturnType));
        Assert.Contains(streams, s => s.GetParameters().Any(p => p.ParameterType == typeof(ZapierListOptions)));
    }

    [Fact]
    public void No_request_builder_has_a_stream_without_a_list_operation()
    {
        var listed = ListOperations.All.Select(o => ListOperations.BuilderOf(o).Builder).ToHashSet();
        var withStreams = typeof(ZapierClient).Assembly.GetTypes().Where(t => Streams(t).Count > 0).ToList();

        Assert.NotEmpty(withStreams);
        Assert.All(withStreams, t => Assert.Contains(t, listed));
    }

    private static List<MethodInfo> Streams(Type builder) =>
        [.. builder.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.Name == "ListAsync")];
}
