using System.Text.Json.Nodes;
using WireMock;
using WireMock.Server;
using WireMock.Settings;
using Zapier.Client.Errors;
using Zapier.Client.Generated.Models;
using Zapier.Client.Tests.Faults;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests.Lists;

/// <summary>
/// The item streams (<c>ListAsync</c>) over multi-page WireMock answers: every item in order, the right request for
/// each page, the paging rules (same origin, no loops, page limit), caps, cancellation and failures mid-way.
/// </summary>
public sealed class ItemStreamTests
{
    /// <summary>How a list operation's pages say where the next one is.</summary>
    public enum NextAt
    {
        /// <summary><c>{"links": {"next": url}}</c> (v2).</summary>
        LinksNext,

        /// <summary><c>{"next": url}</c> (v1 categories and Zaps).</summary>
        Next,

        /// <summary><c>{"next_url": url}</c> (v1 apps).</summary>
        NextUrl,
    }

    /// <summary>One list operation that follows next links: where its pages are, how they look, and its stream.</summary>
    internal sealed record LinkedList(
        string OperationId, string Method, string Path, string ItemsKey, string TitleKey, NextAt NextAt,
        Func<ZapierClient, IAsyncEnumerable<string?>> List, JsonNode? Body = null);

    private static readonly Guid AppId = Guid.Parse("3f1c2b9e-8d4a-4c6e-9b2f-1a7d5e0c4b8a");

    private static readonly JsonNode FieldsBody = JsonNode.Parse("""{"data":{"authentication":"auth-1","inputs":{"sheet":"s-1"}}}""")!;

    internal static readonly LinkedList[] Linked =
    [
        new("get-actions", "GET", "/v2/actions", "data", "title", NextAt.LinksNext,
            c => c.V2.Actions.ListAsync(q => q.App = AppId).Select(a => a.Title)),
        new("get-v2-apps", "GET", "/v2/apps", "data", "title", NextAt.LinksNext, c => c.V2.Apps.ListAsync().Select(a => a.Title)),
        new("get-authentications", "GET", "/v2/authentications", "data", "title", NextAt.LinksNext,
            c => c.V2.Authentications.ListAsync(q => q.App = AppId).Select(a => a.Title)),
        new("v2-whitelabel-apps-list", "GET", "/v2/whitelabel/apps", "data", "title", NextAt.LinksNext,
            c => c.V2.Whitelabel.Apps.ListAsync().Select(a => a.Title)),
        new("get-zap-runs", "GET", "/v2/zap-runs", "data", "zap_title", NextAt.LinksNext, c => c.V2.ZapRuns.ListAsync().Select(r => r.ZapTitle)),
        new("get-v2-zaps", "GET", "/v2/zaps", "data", "title", NextAt.LinksNext, c => c.V2.Zaps.ListAsync().Select(z => z.Title)),
        new("v1_apps_list", "GET", "/v1/apps", "objects", "title", NextAt.NextUrl, c => c.V1.Apps.ListAsync().Select(a => a.Title)),
        new("v1_categories_list", "GET", "/v1/categories", "objects", "title", NextAt.Next, c => c.V1.Categories.ListAsync().Select(a => a.Title)),
        new("v1_zaps_list", "GET", "/v1/zaps", "objects", "title", NextAt.Next, c => c.V1.Zaps.ListAsync().Select(z => z.Title)),
        new("get-fields-inputs", "POST", "/v2/actions/a-1/inputs", "data", "title", NextAt.LinksNext,
            c => c.V2.Actions["a-1"].Inputs.ListAsync((ListInputFieldsRequest)KiotaJson.Parse(typeof(ListInputFieldsRequest), FieldsBody.ToJsonString())).Select(f => f.Title), FieldsBody),
        new("get-fields-outputs", "POST", "/v2/actions/a-1/outputs", "data", "title", NextAt.LinksNext,
            c => c.V2.Actions["a-1"].Outputs.ListAsync((ListOutputFieldsRequest)KiotaJson.Parse(typeof(ListOutputFieldsRequest), FieldsBody.ToJsonString())).Select(f => f.Title), FieldsBody),
    ];

    public static TheoryData<string> LinkedLists() => [.. Linked.Select(l => l.OperationId)];

    [Fact]
    public void Every_list_operation_of_the_schema_has_a_multi_page_contract_test()
    {
        // The linked lists run in the theory below; the three that page by position have their own tests here.
        var tested = Linked.Select(l => l.OperationId).Concat(["get-choices", "test-action", "v1_zap_templates_list"]).ToHashSet();

        Assert.Equal(ListOperations.All.Select(o => o.Id).ToHashSet(), tested);
    }

    [Theory]
    [MemberData(nameof(LinkedLists))]
    public async Task A_linked_list_yields_every_item_in_order_and_asks_each_next_page_at_its_link(string operationId)
    {
        var list = Linked.Single(l => l.OperationId == operationId);
        using var stub = new PagedStub(r => r.Query?.ContainsKey("cursor") == true
            ? Page(list, null, "third")
            : Page(list, $"{r.AbsoluteUrl.Split('?')[0]}?cursor=2&limit=2", "first", "second"));

        var titles = await stub.ReadAsync(list.List(stub.Client));

        Assert.Equal(["first", "second", "third"], titles);
        Assert.Collection(stub.Requests,
            first =>
            {
                Assert.Equal(list.Method, first.Method);
                Assert.Equal(list.Path, first.Path);
                Assert.DoesNotContain("cursor", PagedStub.QueryOf(first), StringComparison.Ordinal);
            },
            second =>
            {
                Assert.Equal(list.Method, second.Method);
                Assert.Equal(list.Path, second.Path);
                Assert.Contains("cursor=2&limit=2", PagedStub.QueryOf(second), StringComparison.Ordinal);
            });
        // Every page goes with the same credentials (the operation's security) and, for a POST, the same body.
        var (page1, page2) = (stub.Requests[0], stub.Requests[1]);
        Assert.Equal(page1.Headers!.TryGetValue("Authorization", out var auth1) ? auth1.Single() : null,
            page2.Headers!.TryGetValue("Authorization", out var auth2) ? auth2.Single() : null);
        Assert.Equal(page1.Query?.ContainsKey("client_id"), page2.Query?.ContainsKey("client_id"));
        if (list.Body is { } body)
        {
            Assert.Equal((string?)body["data"]!["inputs"]!["sheet"], (string?)PagedStub.BodyOf(page1)!["data"]!["inputs"]!["sheet"]);
            Assert.Null(JsonDiff.FirstDifference(PagedStub.BodyOf(page1), PagedStub.BodyOf(page2)));
        }
    }

    [Fact]
    public async Task Zap_runs_ask_the_first_page_with_the_callers_query_and_the_next_ones_with_the_links_query()
    {
        using var stub = new PagedStub(r => PagedStub.QueryOf(r) switch
        {
            "limit=2" => ZapRunsPage($"{Origin(r)}/v2/zap-runs?limit=2&offset=2", "r1", "r2"),
            "limit=2&offset=2" => ZapRunsPage($"{Origin(r)}/v2/zap-runs?limit=2&offset=4", "r3", "r4"),
            "limit=2&offset=4" => ZapRunsPage(null, "r5"),
            var other => FaultAnswer.Error(400, ("X-Query", other)),
        });

        var runs = await stub.ReadAsync(stub.Client.V2.ZapRuns.ListAsync(q => q.Limit = 2));

        Assert.Equal(["r1", "r2", "r3", "r4", "r5"], runs.Select(r => r.ZapTitle));
        Assert.Equal(["limit=2", "limit=2&offset=2", "limit=2&offset=4"], stub.Requests.Select(PagedStub.QueryOf));
    }

    [Fact]
    public async Task A_links_next_to_another_origin_is_refused_after_the_items_before_it_and_nothing_reaches_it()
    {
        using var elsewhere = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = false });
        using var stub = new PagedStub(_ => ZapRunsPage($"{elsewhere.Urls[0]}/v2/zap-runs?offset=2", "r1", "r2"));
        var read = new List<ZapRun>();

        var error = await Assert.ThrowsAsync<ZapierProtocolException>(() => stub.ReadAsync(stub.Client.V2.ZapRuns.ListAsync(), read));

        Assert.Equal(["r1", "r2"], read.Select(r => r.ZapTitle));
        Assert.Contains("not followed", error.Message, StringComparison.Ordinal);
        Assert.Single(stub.Requests);
        Assert.Empty(elsewhere.LogEntries);
    }

    [Fact]
    public async Task An_empty_first_page_yields_nothing_after_one_request()
    {
        using var stub = new PagedStub(_ => ZapRunsPage(null));

        var runs = await stub.ReadAsync(stub.Client.V2.ZapRuns.ListAsync());

        Assert.Empty(runs);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task A_page_that_fails_mid_way_keeps_the_items_already_yielded_and_ends_with_the_clients_api_exception()
    {
        using var stub = new PagedStub(r => r.Query?.ContainsKey("offset") == true
            ? FaultAnswer.Error(400, ("X-Request-Id", "req-page-2"))
            : ZapRunsPage($"{Origin(r)}/v2/zap-runs?offset=2", "r1", "r2"));
        var read = new List<ZapRun>();

        var error = await Assert.ThrowsAsync<ZapierApiException>(() => stub.ReadAsync(stub.Client.V2.ZapRuns.ListAsync(), read));

        Assert.Equal(["r1", "r2"], read.Select(r => r.ZapTitle));
        Assert.Equal(400, error.StatusCode);
        Assert.Equal("req-page-2", error.RequestId);
        Assert.Equal(2, stub.Requests.Count);
    }

    [Fact]
    public async Task A_next_link_that_repeats_an_earlier_one_ends_the_stream_instead_of_looping()
    {
        using var stub = new PagedStub(r => r.Query?.ContainsKey("offset") == true
            ? ZapRunsPage($"{Origin(r)}/v2/zap-runs?offset=2", "r3")
            : ZapRunsPage($"{Origin(r)}/v2/zap-runs?offset=2", "r1", "r2"));

        var error = await Assert.ThrowsAsync<ZapierProtocolException>(() => stub.ReadAsync(stub.Client.V2.ZapRuns.ListAsync()));

        Assert.Contains("repeats an earlier page", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, stub.Requests.Count);
    }

    [Fact]
    public async Task Max_pages_ends_an_endless_list_with_a_protocol_error_after_that_many_pages()
    {
        var served = 0;
        using var stub = new PagedStub(r => ZapRunsPage($"{Origin(r)}/v2/zap-runs?offset={++served}", "r"));

        var error = await Assert.ThrowsAsync<ZapierProtocolException>(
            () => stub.ReadAsync(stub.Client.V2.ZapRuns.ListAsync(null, new ZapierListOptions { MaxPages = 3 })));

        Assert.Contains("more than 3 pages", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, stub.Requests.Count);
    }

    [Theory]
    [InlineData(3, 2)]
    [InlineData(2, 1)]
    [InlineData(1, 1)]
    public async Task Max_items_stops_the_stream_without_asking_for_pages_beyond_the_last_item(int maxItems, int requests)
    {
        using var stub = new PagedStub(r => PagedStub.QueryOf(r) switch
        {
            "offset=2" => ZapRunsPage($"{Origin(r)}/v2/zap-runs?offset=4", "r3", "r4"),
            _ => ZapRunsPage($"{Origin(r)}/v2/zap-runs?offset=2", "r1", "r2"),
        });

        var runs = await stub.ReadAsync(stub.Client.V2.ZapRuns.ListAsync(null, new ZapierListOptions { MaxItems = maxItems }));

        Assert.Equal(new[] { "r1", "r2", "r3" }.Take(maxItems), runs.Select(r => r.ZapTitle));
        Assert.Equal(requests, stub.Requests.Count);
    }

    [Fact]
    public void Out_of_range_list_options_are_refused_when_the_stream_is_made_before_anything_is_sent()
    {
        using var stub = new PagedStub(_ => ZapRunsPage(null));

        Assert.Throws<ArgumentOutOfRangeException>(() => stub.Client.V2.ZapRuns.ListAsync(null, new ZapierListOptions { MaxItems = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => stub.Client.V2.ZapRuns.ListAsync(null, new ZapierListOptions { MaxPages = 0 }));
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Cancelling_between_pages_stops_the_stream_before_the_next_request()
    {
        using var stub = new PagedStub(r => ZapRunsPage($"{Origin(r)}/v2/zap-runs?offset=2", "r1", "r2"));
        using var cancel = new CancellationTokenSource();
        var read = new List<string?>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stub.DriveAsync(ReadThenCancel()));

        Assert.Equal(["r1", "r2"], read);
        Assert.Single(stub.Requests);

        async Task<int> ReadThenCancel()
        {
            await foreach (var run in stub.Client.V2.ZapRuns.ListAsync(cancellationToken: cancel.Token))
            {
                read.Add(run.ZapTitle);
                if (read.Count == 2)
                {
                    await cancel.CancelAsync(); // the page is read; the next one must not be asked for
                }
            }

            return read.Count;
        }
    }

    [Fact]
    public async Task Cancelling_during_a_pages_request_ends_the_stream_with_the_items_before_it()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stub = new PagedStub(async r =>
        {
            if (r.Query?.ContainsKey("offset") != true)
            {
                return ZapRunsPage($"{Origin(r)}/v2/zap-runs?offset=2", "r1");
            }

            arrived.TrySetResult();
            await release.Task; // held until the test ends: the client must not wait for it
            return ZapRunsPage(null, "r2");
        });
        using var cancel = new CancellationTokenSource();
        var read = new List<ZapRun>();

        try
        {
            var reading = stub.ReadAsync(stub.Client.V2.ZapRuns.ListAsync(cancellationToken: cancel.Token), read);
            await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await cancel.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
            Assert.Equal(["r1"], read.Select(r => r.ZapTitle));
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task Choices_ask_page_after_page_by_number_while_a_page_has_a_next_link()
    {
        var body = """{"data":{"authentication":"auth-1","inputs":{"sheet":"s-1"}}}""";
        using var stub = new PagedStub(r => PagedStub.QueryOf(r) switch
        {
            "page=1" => ChoicesPage(r, next: true, "a", "b"),
            "page=2" => ChoicesPage(r, next: true, "c"),
            "page=3" => ChoicesPage(r, next: false, "d"),
            var other => FaultAnswer.Error(400, ("X-Query", other)),
        });

        var choices = await stub.ReadAsync(stub.Client.V2.Actions["a-1"].Inputs["f-1"].Choices.ListAsync((ChoiceRequest)KiotaJson.Parse(typeof(ChoiceRequest), body)));

        Assert.Equal(["a", "b", "c", "d"], choices.Select(c => c.Value));
        Assert.Equal(["page=1", "page=2", "page=3"], stub.Requests.Select(PagedStub.QueryOf));
        Assert.All(stub.Requests, r =>
        {
            Assert.Equal("/v2/actions/a-1/inputs/f-1/choices", r.Path);
            Assert.Null(JsonDiff.FirstDifference(JsonNode.Parse(body), PagedStub.BodyOf(r)!));
        });
    }

    [Fact]
    public async Task Choices_start_at_the_page_the_query_sets_and_refuse_one_that_is_no_page_number()
    {
        using var stub = new PagedStub(r => ChoicesPage(r, next: false, "z"));
        var choices = stub.Client.V2.Actions["a-1"].Inputs["f-1"].Choices;
        var body = new ChoiceRequest { Data = new ChoiceParams { Authentication = "auth-1" } };

        var read = await stub.ReadAsync(choices.ListAsync(body, q => q.Page = "4"));

        Assert.Equal(["z"], read.Select(c => c.Value));
        Assert.Equal("page=4", PagedStub.QueryOf(Assert.Single(stub.Requests)));
        Assert.Throws<ArgumentException>(() => choices.ListAsync(body, q => q.Page = "last"));
    }

    [Fact]
    public async Task Test_results_page_by_the_body_offset_advanced_by_the_results_received_and_leave_the_callers_body_alone()
    {
        using var stub = new PagedStub(r => (int?)PagedStub.BodyOf(r)!["data"]!["offset"] switch
        {
            0 => TestPage(r, next: true, 1, 2),
            2 => TestPage(r, next: true, 3, 4),
            4 => TestPage(r, next: false, 5),
            var other => FaultAnswer.Error(400, ("X-Offset", other?.ToString() ?? "none")),
        });
        var body = new ActionTestRequest { Data = new ActionTestRequestData { Authentication = "auth-1", Limit = 2, Offset = 0, Inputs = new ActionTestInputs() } };

        var results = await stub.ReadAsync(stub.Client.V2.Actions["a-1"].Test.ListAsync(body));

        Assert.Equal([1m, 2m, 3m, 4m, 5m], results.Select(r => (decimal)r.AdditionalData["id"]));
        Assert.Equal([0, 2, 4], stub.Requests.Select(r => (int)PagedStub.BodyOf(r)!["data"]!["offset"]!));
        Assert.All(stub.Requests, r => Assert.Equal(2, (int)PagedStub.BodyOf(r)!["data"]!["limit"]!));
        Assert.Equal(0, body.Data.Offset);
    }

    [Fact]
    public async Task Zap_templates_page_by_offset_until_a_page_is_shorter_than_the_limit()
    {
        using var stub = new PagedStub(r => PagedStub.QueryOf(r) switch
        {
            "limit=2&offset=0" => TemplatesPage("t1", "t2"),
            "limit=2&offset=2" => TemplatesPage("t3", "t4"),
            "limit=2&offset=4" => TemplatesPage("t5"),
            var other => FaultAnswer.Error(400, ("X-Query", other)),
        });

        var templates = await stub.ReadAsync(stub.Client.V1.ZapTemplates.ListAsync(q => q.Limit = 2));

        Assert.Equal(["t1", "t2", "t3", "t4", "t5"], templates.Select(t => t.Title));
        Assert.Equal(["limit=2&offset=0", "limit=2&offset=2", "limit=2&offset=4"], stub.Requests.Select(PagedStub.QueryOf));
    }

    [Fact]
    public async Task A_stream_read_twice_reads_the_whole_list_twice()
    {
        using var stub = new PagedStub(r => r.Query?.ContainsKey("offset") == true
            ? ZapRunsPage(null, "r3")
            : ZapRunsPage($"{Origin(r)}/v2/zap-runs?offset=2", "r1", "r2"));
        var runs = stub.Client.V2.ZapRuns.ListAsync();

        var first = await stub.ReadAsync(runs);
        var second = await stub.ReadAsync(runs);

        Assert.Equal(["r1", "r2", "r3"], first.Select(r => r.ZapTitle));
        Assert.Equal(["r1", "r2", "r3"], second.Select(r => r.ZapTitle));
        Assert.Equal(4, stub.Requests.Count);
    }

    [Fact]
    public async Task Zap_templates_with_a_limit_above_a_pages_maximum_read_every_page()
    {
        string[] Titles(int from, int count) => [.. Enumerable.Range(from, count).Select(i => "t" + i)];
        using var stub = new PagedStub(r => PagedStub.QueryOf(r) switch
        {
            "limit=500&offset=0" => TemplatesPage(Titles(0, 100)),
            "limit=500&offset=100" => TemplatesPage(Titles(100, 100)),
            "limit=500&offset=200" => TemplatesPage(Titles(200, 50)),
            var other => FaultAnswer.Error(400, ("X-Query", other)),
        });

        var templates = await stub.ReadAsync(stub.Client.V1.ZapTemplates.ListAsync(q => q.Limit = 500));

        Assert.Equal(Titles(0, 250), templates.Select(t => t.Title));
        Assert.Equal(3, stub.Requests.Count);
    }

    [Fact]
    public async Task Zap_templates_without_a_limit_page_until_an_empty_page()
    {
        using var stub = new PagedStub(r => PagedStub.QueryOf(r) switch
        {
            "offset=0" => TemplatesPage("t1", "t2", "t3"),
            "offset=3" => TemplatesPage("t4"),
            _ => TemplatesPage(),
        });

        var templates = await stub.ReadAsync(stub.Client.V1.ZapTemplates.ListAsync());

        Assert.Equal(["t1", "t2", "t3", "t4"], templates.Select(t => t.Title));
        Assert.Equal(["offset=0", "offset=3", "offset=4"], stub.Requests.Select(PagedStub.QueryOf));
    }

    [Fact]
    public async Task The_list_options_response_info_holds_what_the_last_page_said()
    {
        using var stub = new PagedStub(r => r.Query?.ContainsKey("offset") == true
            ? ZapRunsPage(null, ("X-Request-Id", "req-2"), "r2")
            : ZapRunsPage($"{Origin(r)}/v2/zap-runs?offset=1", ("X-Request-Id", "req-1"), "r1"));
        var info = new ZapierResponseInfo();

        await stub.ReadAsync(stub.Client.V2.ZapRuns.ListAsync(null, new ZapierListOptions { ResponseInfo = info }));

        Assert.Equal("req-2", info.RequestId);
        Assert.Equal(200, info.StatusCode);
    }

    private static string Origin(IRequestMessage request) => new Uri(request.AbsoluteUrl).GetLeftPart(UriPartial.Authority);

    private static FaultAnswer Page(LinkedList list, string? next, params string[] titles)
    {
        var page = new JsonObject
        {
            [list.ItemsKey] = new JsonArray([.. titles.Select(t => (JsonNode)new JsonObject { [list.TitleKey] = t })]),
        };
        switch (list.NextAt)
        {
            case NextAt.LinksNext:
                page["links"] = new JsonObject { ["next"] = next, ["prev"] = null };
                page["meta"] = new JsonObject { ["count"] = 3, ["limit"] = 2, ["offset"] = 0 };
                break;
            case NextAt.Next:
                page["next"] = next;
                page["count"] = 3;
                break;
            default:
                page["next_url"] = next;
                page["total"] = 3;
                break;
        }

        return FaultAnswer.Json(200, page.ToJsonString());
    }

    private static FaultAnswer ZapRunsPage(string? next, params string[] titles) => ZapRunsPage(next, ("X-Request-Id", "req"), titles);

    private static FaultAnswer ZapRunsPage(string? next, (string Name, string Value) header, params string[] titles) =>
        FaultAnswer.Json(200, new JsonObject
        {
            ["links"] = new JsonObject { ["next"] = next, ["prev"] = null },
            ["meta"] = new JsonObject { ["count"] = 5, ["limit"] = 2, ["offset"] = 0 },
            ["data"] = new JsonArray([.. titles.Select(t => (JsonNode)new JsonObject { ["zap_title"] = t })]),
        }.ToJsonString(), header);

    private static FaultAnswer ChoicesPage(IRequestMessage request, bool next, params string[] values) =>
        FaultAnswer.Json(200, new JsonObject
        {
            ["data"] = new JsonArray([.. values.Select(v => (JsonNode)new JsonObject { ["id"] = "id-" + v, ["type"] = "choice", ["label"] = v.ToUpperInvariant(), ["value"] = v })]),
            ["links"] = new JsonObject { ["next"] = next ? $"{Origin(request)}{request.Path}?page=next" : null, ["prev"] = null },
            ["meta"] = new JsonObject { ["page"] = int.Parse(request.Query!["page"].Single(), System.Globalization.CultureInfo.InvariantCulture) },
        }.ToJsonString());

    private static FaultAnswer TestPage(IRequestMessage request, bool next, params int[] ids) =>
        FaultAnswer.Json(200, new JsonObject
        {
            ["links"] = new JsonObject { ["next"] = next ? $"{Origin(request)}{request.Path}?more" : null, ["prev"] = null },
            ["meta"] = new JsonObject { ["count"] = 5, ["limit"] = 2, ["offset"] = 0 },
            ["data"] = new JsonArray([.. ids.Select(i => (JsonNode)new JsonObject { ["id"] = i })]),
        }.ToJsonString());

    private static FaultAnswer TemplatesPage(params string[] titles) =>
        FaultAnswer.Json(200, new JsonArray([.. titles.Select(t => (JsonNode)new JsonObject { ["id"] = t.Length, ["title"] = t })]).ToJsonString());
}
