using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Zapier.Cli.Tests.Support;
using Zapier.Client.Testing;

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
                     "4    network or server failure", "64   usage error", "70   internal error", "130  cancelled with Ctrl+C",
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
    [InlineData("run", " ", "--sandbox")]                                  // ids the client refuses as path segments
    [InlineData("runs", "get", "..", "--sandbox")]
    [InlineData("runs", "watch", ".", "--sandbox")]
    [InlineData("run", "demo:send-email", "--auth", "", "--sandbox")]
    [InlineData("run", "demo:send-email", "--input")]                       // --input without its key=value
    [InlineData("run", "demo:send-email", "--timeout", "10m")]              // --timeout without --wait
    [InlineData("run", "x", "--wait", "--timeout", "soon", "--json")]
    [InlineData("frobnicate", "--json")]
    [InlineData("apps", "list", "--max", "0", "--json")]
    [InlineData("run", "demo:send-email", "--timeout", "10m", "--json")]
    public async Task A_command_line_that_does_not_parse_exits_64_not_1(params string[] args)
    {
        var result = await new CliDriver().RunAsync(args);

        Assert.Equal(64, result.ExitCode);
        Assert.StartsWith("zapier: ", result.Error);
        Assert.Contains("Run 'zapier --help' for usage.", result.Error);
        if (!args.Contains("--json"))
        {
            Assert.Equal("", result.Output);
            return;
        }

        // With --json, scripts get the failure document on stdout too.
        using var document = JsonDocument.Parse(result.Output);
        Assert.Equal("usage", document.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(64, document.RootElement.GetProperty("exit_code").GetInt32());
        Assert.StartsWith(result.Error.Split('\n')[0].TrimEnd('\r')["zapier: ".Length..], document.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Timeout_on_run_without_wait_is_a_usage_error_that_says_so()
    {
        var result = await new CliDriver().RunAsync("run", SandboxDemo.SendEmail, "--sandbox", "--timeout", "10m");

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("zapier: --timeout needs --wait", result.Error);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public async Task An_unexpected_exception_exits_70_with_one_line_and_no_stack_trace_and_a_json_document()
    {
        var cli = new CliDriver { Connect = _ => throw new InvalidOperationException("the connector broke") };

        var result = await cli.RunAsync("apps", "list", "--sandbox", "--json");

        Assert.Equal(70, result.ExitCode);
        Assert.Equal("zapier: internal error: the connector broke", result.Error.TrimEnd());
        using var document = JsonDocument.Parse(result.Output);
        Assert.Equal("internal_error", document.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(70, document.RootElement.GetProperty("exit_code").GetInt32());
        Assert.Equal("internal error: the connector broke", document.RootElement.GetProperty("message").GetString());
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
        Assert.Contains("zapier: --base-url 'http://zapier.example.com/' must use https", result.Error);
        Assert.DoesNotContain("BaseUrl", result.Error);   // the library's option name means nothing here
        Assert.DoesNotContain("secret-token-123", result.Error + result.Output);
    }

    [Fact]
    public async Task Zapier_base_url_from_the_environment_is_used_when_base_url_is_not_given()
    {
        await using var sandbox = ZapierSandbox.StartWithDemoData();
        var cli = new CliDriver();
        cli.Environment["ZAPIER_ACCESS_TOKEN"] = sandbox.AccessToken;
        cli.Environment["ZAPIER_BASE_URL"] = sandbox.BaseUrl.ToString();

        var result = await cli.RunAsync("apps", "list");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"{SandboxDemo.AppId}\tDemo", result.Output.TrimEnd());
        Assert.Single(sandbox.Journal.RequestsTo("/v2/apps"));
    }

    [Fact]
    public async Task A_zapier_base_url_with_user_info_is_a_usage_error_that_never_shows_the_password()
    {
        var cli = new CliDriver();
        cli.Environment["ZAPIER_ACCESS_TOKEN"] = "t";
        cli.Environment["ZAPIER_BASE_URL"] = "https://ann:pa55word@api.zapier.com";

        var result = await cli.RunAsync("runs", "get", "r-1");

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("zapier: ZAPIER_BASE_URL must not contain a user name or password", result.Error);
        Assert.DoesNotContain("pa55word", result.Error + result.Output);
    }

    [Fact]
    public async Task A_base_url_with_user_info_is_a_usage_error_that_never_shows_the_password()
    {
        var cli = new CliDriver();
        cli.Environment["ZAPIER_ACCESS_TOKEN"] = "t";

        var result = await cli.RunAsync("runs", "get", "r-1", "--base-url", "https://ann:pa55word@api.zapier.com");

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("--base-url must not contain a user name or password", result.Error);
        Assert.DoesNotContain("pa55word", result.Error + result.Output);
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
        Assert.Contains("zapier: --input needs key=value; '=...' has an empty key.", result.Error);
        Assert.DoesNotContain("hunter2", result.Error);
    }

    [Fact]
    public async Task An_input_without_an_equals_sign_names_the_key_part_and_exits_64()
    {
        var result = await new CliDriver().RunAsync("run", SandboxDemo.SendEmail, "--sandbox", "--input", "subject");

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("zapier: --input needs key=value; 'subject' has no '='.", result.Error);
    }

    [Theory]
    [InlineData("""{"to": "a@example.com""", "is not valid JSON (line 1)")]
    [InlineData("""["to", "a@example.com"]""", "must hold a JSON object of input values by field key")]
    [InlineData("""{"": 1}""", "has an input with an empty key")]
    [InlineData("""{"to": {"": 1}}""", "has an input with an empty key")]
    [InlineData("""{"count": 1e400}""", "has a number out of range at 'count'")]
    public async Task A_bad_inputs_json_file_exits_64_with_what_is_wrong_and_sends_nothing(string content, string message)
    {
        await using var sandbox = ZapierSandbox.StartWithDemoData();
        var cli = new CliDriver();
        cli.Environment["ZAPIER_ACCESS_TOKEN"] = sandbox.AccessToken;
        var file = Path.Combine(Path.GetTempPath(), $"zapier-cli-inputs-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, content);
        try
        {
            var result = await cli.RunAsync("run", SandboxDemo.SendEmail, "--inputs-json", file, "--base-url", sandbox.BaseUrl.ToString(), "--json");

            Assert.Equal(64, result.ExitCode);
            Assert.Contains($"zapier: --inputs-json file '{file}' {message}", result.Error);
            using var document = JsonDocument.Parse(result.Output);
            Assert.Equal("usage", document.RootElement.GetProperty("outcome").GetString());
            Assert.Empty(sandbox.Journal.Creates);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_missing_inputs_json_file_exits_64_naming_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"zapier-cli-{Guid.NewGuid():N}.json");

        var result = await new CliDriver().RunAsync("run", SandboxDemo.SendEmail, "--sandbox", "--inputs-json", path);

        Assert.Equal(64, result.ExitCode);
        Assert.Contains($"zapier: Cannot read --inputs-json file '{path}'", result.Error);
        Assert.Equal("", result.Output);
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
