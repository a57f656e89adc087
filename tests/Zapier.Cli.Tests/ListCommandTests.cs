using System.Text.Json;
using Zapier.Cli.Tests.Support;
using Zapier.Client.Testing;

namespace Zapier.Cli.Tests;

/// <summary><c>apps list</c>, <c>actions list</c> and <c>authentications list</c> against the sandbox, over its pages.</summary>
public sealed class ListCommandTests
{
    [Fact]
    public async Task Actions_list_resolves_the_app_by_title_and_prints_id_type_and_title()
    {
        var result = await new CliDriver().RunAsync("actions", "list", "--app", "demo", "--sandbox");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            "demo:send-email\tWRITE\tSend Email\ndemo:always-fails\tWRITE\tAlways Fails\n" +
            "demo:never-finishes\tWRITE\tNever Finishes\ndemo:find-contact\tREAD\tFind Contact\n",
            result.Output.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Actions_list_filters_by_type_and_takes_the_apps_id()
    {
        var result = await new CliDriver().RunAsync("actions", "list", "--app", SandboxDemo.AppId.ToString(), "--type", "read", "--sandbox", "--json");

        Assert.Equal(0, result.ExitCode);
        using var document = JsonDocument.Parse(result.Output);
        var action = Assert.Single(document.RootElement.EnumerateArray());
        Assert.Equal(SandboxDemo.FindContact, action.GetProperty("id").GetString());
        Assert.Equal("READ", action.GetProperty("action_type").GetString());
    }

    [Fact]
    public async Task Apps_list_reads_every_page_of_the_stream()
    {
        await using var sandbox = ZapierSandbox.StartWithDemoData(new ZapierSandboxOptions { DefaultPageSize = 2 });
        for (var i = 1; i <= 4; i++)
        {
            sandbox.AddApp($"extra{i}", $"Extra {i}");
        }

        var cli = new CliDriver();
        cli.Environment["ZAPIER_ACCESS_TOKEN"] = sandbox.AccessToken;

        var result = await cli.RunAsync("apps", "list", "--base-url", sandbox.BaseUrl.ToString(), "--json");

        Assert.Equal(0, result.ExitCode);
        using var document = JsonDocument.Parse(result.Output);
        Assert.Equal(
            (string[])["Demo", "Extra 1", "Extra 2", "Extra 3", "Extra 4"],
            document.RootElement.EnumerateArray().Select(a => a.GetProperty("title").GetString()!).ToArray());
        Assert.Equal(3, sandbox.Journal.RequestsTo("/v2/apps").Count);   // pages of 2, 2 and 1
    }

    [Fact]
    public async Task Apps_list_stops_at_max()
    {
        // Four apps match and each page holds one: without --max the list would read four pages.
        await using var sandbox = ZapierSandbox.StartWithDemoData(new ZapierSandboxOptions { DefaultPageSize = 1 });
        for (var i = 1; i <= 3; i++)
        {
            sandbox.AddApp($"demo{i}", $"Demo {i}");
        }

        var cli = new CliDriver();
        cli.Environment["ZAPIER_ACCESS_TOKEN"] = sandbox.AccessToken;

        var result = await cli.RunAsync("apps", "list", "--query", "demo", "--max", "1", "--base-url", sandbox.BaseUrl.ToString());

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"{SandboxDemo.AppId}\tDemo", result.Output.TrimEnd());
        Assert.Single(sandbox.Journal.RequestsTo("/v2/apps"));
    }

    [Fact]
    public async Task Authentications_list_prints_the_apps_authentications()
    {
        var result = await new CliDriver().RunAsync("authentications", "list", "--app", "Demo", "--sandbox");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"{SandboxDemo.AuthenticationId}\tDemo user@example.com", result.Output.TrimEnd());
    }

    [Fact]
    public async Task An_app_no_title_matches_is_a_usage_error_pointing_at_apps_list()
    {
        var result = await new CliDriver().RunAsync("actions", "list", "--app", "nosuchapp", "--sandbox");

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("No app is titled 'nosuchapp'; 'zapier apps list --query nosuchapp' shows the apps and their ids.", result.Error);
    }

    [Fact]
    public async Task An_app_id_the_api_does_not_know_exits_3()
    {
        var result = await new CliDriver().RunAsync("authentications", "list", "--app", Guid.Empty.ToString(), "--sandbox", "--json");

        Assert.Equal(3, result.ExitCode);
        using var document = JsonDocument.Parse(result.Output);
        Assert.Equal("refused", document.RootElement.GetProperty("outcome").GetString());
    }
}
