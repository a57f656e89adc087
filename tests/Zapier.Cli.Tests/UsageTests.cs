using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Zapier.Cli.Tests.Support;

namespace Zapier.Cli.Tests;

/// <summary>Parse errors, missing credentials and bad values: exit code 64, a message on stderr, nothing sent.</summary>
public sealed class UsageTests
{
    [Fact]
    public async Task Help_documents_every_exit_code_and_exits_0()
    {
        var result = await new CliDriver().RunAsync("--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var line in new[]
                 {
                     "0    success", "1    the run ended in error", "2    the wait timed out", "3    the API refused",
                     "4    network or server failure", "64   usage error", "130  cancelled with Ctrl+C",
                 })
        {
            Assert.Contains(line, result.Output);
        }

        Assert.Contains("--sandbox", result.Output);
    }

    [Theory]
    [InlineData("run")]                                        // the action is missing
    [InlineData("run", "demo:send-email", "--no-such-option")]
    [InlineData("runs")]                                       // a group without its command
    [InlineData("frobnicate")]
    [InlineData("run", "demo:send-email", "--wait", "--timeout", "soon")]
    [InlineData("run", "demo:send-email", "--timeout", "0s")]
    [InlineData("actions", "list", "--app", "demo", "--type", "delete")]
    [InlineData("actions", "list")]                            // --app is required
    [InlineData("apps", "list", "--max", "0")]
    [InlineData("runs", "get", "r-1", "--base-url", "not a url")]
    public async Task A_command_line_that_does_not_parse_exits_64_not_1(params string[] args)
    {
        var result = await new CliDriver().RunAsync(args);

        Assert.Equal(64, result.ExitCode);
        Assert.StartsWith("zapier: ", result.Error);
        Assert.Contains("Run 'zapier --help' for usage.", result.Error);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public async Task Without_a_token_the_command_says_where_to_put_one_and_exits_64()
    {
        var result = await new CliDriver().RunAsync("runs", "get", "r-1");

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("No access token: set ZAPIER_ACCESS_TOKEN, or pass --token-file FILE", result.Error);
        Assert.Contains("--sandbox", result.Error);
    }

    [Fact]
    public async Task A_missing_token_file_exits_64_naming_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"zapier-cli-{Guid.NewGuid():N}.token");

        var result = await new CliDriver().RunAsync("runs", "get", "r-1", "--token-file", path);

        Assert.Equal(64, result.ExitCode);
        Assert.Contains($"Cannot read --token-file '{path}'", result.Error);
    }

    [Fact]
    public async Task A_plain_http_base_url_off_loopback_is_a_usage_error_that_never_shows_the_token()
    {
        var cli = new CliDriver();
        cli.Environment["ZAPIER_ACCESS_TOKEN"] = "secret-token-123";

        var result = await cli.RunAsync("runs", "get", "r-1", "--base-url", "http://zapier.example.com");

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("must use https", result.Error);
        Assert.DoesNotContain("secret-token-123", result.Error + result.Output);
    }

    [Fact]
    public async Task Nothing_listening_at_the_base_url_exits_4_after_the_clients_retries_with_one_json_document()
    {
        var cli = new CliDriver();
        cli.Environment["ZAPIER_ACCESS_TOKEN"] = "secret-token-123";
        var url = $"http://127.0.0.1:{UnusedPort()}";

        var result = await cli.RunAsync("runs", "get", "r-1", "--base-url", url, "--json");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("failed on the network", result.Error);
        using var document = JsonDocument.Parse(result.Output);
        Assert.Equal("unavailable", document.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(4, document.RootElement.GetProperty("exit_code").GetInt32());
        Assert.Contains("GET /v2/action-runs/r-1", document.RootElement.GetProperty("message").GetString());
        Assert.DoesNotContain("secret-token-123", result.Error + result.Output);
    }

    [Fact]
    public async Task A_malformed_input_pair_exits_64_without_quoting_the_value()
    {
        var cli = new CliDriver();
        cli.Environment["ZAPIER_ACCESS_TOKEN"] = "t";

        var result = await cli.RunAsync("run", "demo:send-email", "--input", "=hunter2", "--base-url", $"http://127.0.0.1:{UnusedPort()}");

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("--input takes key=value", result.Error);
        Assert.DoesNotContain("hunter2", result.Error);
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
