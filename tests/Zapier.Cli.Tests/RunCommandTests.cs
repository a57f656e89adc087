using System.Text.Json;
using Spectre.Console.Testing;
using Zapier.Cli.Tests.Support;
using Zapier.Client.Testing;

namespace Zapier.Cli.Tests;

/// <summary>
/// <c>zapier run</c>, <c>runs get</c> and <c>runs watch</c> in process against the sandbox (<c>--sandbox</c>, or a
/// sandbox of the test's own through <c>--base-url</c> when the test looks at what it was sent), one test per outcome
/// and exit code.
/// </summary>
public sealed class RunCommandTests
{
    [Fact]
    public async Task A_run_that_succeeds_exits_0_with_plain_lines_for_each_poll_and_its_results()
    {
        var result = await new CliDriver().RunAsync("run", SandboxDemo.SendEmail, "--sandbox", "--wait");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("SANDBOX: using a local fake of the Partner API at http://127.0.0.1:", result.Error);
        Assert.Contains("nothing is sent to Zapier", result.Error);
        var lines = Lines(result.Output);
        var id = lines[0].Split(' ')[1].TrimEnd(':');
        Assert.Equal(
            [
                $"run {id}: created, 0 polls, next poll in 0.5 s, elapsed 0.0 s",
                $"run {id}: waiting, 1 poll, next poll in 0.8 s, elapsed 0.5 s",
                $"run {id}: waiting, 2 polls, next poll in 1.1 s, elapsed 1.3 s",
                $"Run {id} succeeded after 3 polls in 2.4 s.",
                "Results (1):",
                """  {"id":"msg_0001","to":"user@example.com","status":"sent"}""",
            ],
            lines);
    }

    [Fact]
    public async Task With_json_a_successful_run_prints_one_document_with_its_results()
    {
        var result = await new CliDriver().RunAsync("run", SandboxDemo.SendEmail, "--sandbox", "--wait", "--json");

        Assert.Equal(0, result.ExitCode);
        using var document = JsonDocument.Parse(result.Output);   // one document, nothing else on stdout
        var root = document.RootElement;
        Assert.Equal("success", root.GetProperty("outcome").GetString());
        Assert.Equal(0, root.GetProperty("exit_code").GetInt32());
        Assert.Equal("success", root.GetProperty("status").GetString());
        Assert.Equal(3, root.GetProperty("polls").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("resume").ValueKind);
        var run = root.GetProperty("run");
        Assert.Equal("success", run.GetProperty("status").GetString());
        var sent = run.GetProperty("results")[0];
        Assert.Equal("msg_0001", sent.GetProperty("id").GetString());
        Assert.Equal("sent", sent.GetProperty("status").GetString());
    }

    [Fact]
    public async Task On_a_terminal_the_wait_shows_a_live_status_line_with_status_polls_next_poll_and_elapsed()
    {
        var terminal = new TestConsole().Width(120).Interactive().EmitAnsiSequences();
        var cli = new CliDriver { Terminal = terminal };

        var result = await cli.RunAsync("run", SandboxDemo.SendEmail, "--sandbox", "--wait");

        Assert.Equal(0, result.ExitCode);
        Assert.True(result.Terminal.Contains("Waiting for run ", StringComparison.Ordinal), result.Terminal);
        Assert.Contains("(Ctrl+C stops the wait, not the run)", result.Terminal);
        Assert.Contains("⏳ created · 0 polls · next poll in 0.5 s · elapsed 0.0 s", result.Terminal);
        Assert.Contains("⏳ waiting · 1 poll · next poll in 0.8 s · elapsed 0.5 s", result.Terminal);
        Assert.Contains("⏳ waiting · 2 polls · next poll in 1.1 s · elapsed 1.3 s", result.Terminal);
        Assert.EndsWith("\r\u001b[2K", result.Terminal.Replace("\u001b[?25h", "", StringComparison.Ordinal));   // cleared at the end
        // The status line lives on the terminal; stdout gets the outcome alone, no progress lines.
        Assert.DoesNotContain("polls, next poll in", result.Output);
        Assert.Matches(@"^Run \S+ succeeded after 3 polls in 2\.4 s\.", result.Output);
    }

    [Fact]
    public async Task A_run_that_ends_in_error_exits_1_with_its_errors()
    {
        var result = await new CliDriver().RunAsync("run", SandboxDemo.AlwaysFails, "--sandbox", "--wait");

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"Run \S+ ended with status error after 2 polls in ", result.Output);
        Assert.Contains("Error: Invalid recipient [user]: The address 'nobody@invalid' cannot receive email.", result.Output);
    }

    [Fact]
    public async Task With_json_a_failed_run_says_error_and_carries_zapiers_errors()
    {
        var result = await new CliDriver().RunAsync("run", SandboxDemo.AlwaysFails, "--sandbox", "--wait", "--json");

        Assert.Equal(1, result.ExitCode);
        using var document = JsonDocument.Parse(result.Output);
        var root = document.RootElement;
        Assert.Equal("error", root.GetProperty("outcome").GetString());
        Assert.Equal(1, root.GetProperty("exit_code").GetInt32());
        var error = root.GetProperty("run").GetProperty("errors")[0];
        Assert.Equal("Invalid recipient", error.GetProperty("title").GetString());
        Assert.Equal("user", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_wait_that_times_out_exits_2_with_the_run_id_and_the_command_that_resumes_it()
    {
        await using var sandbox = ZapierSandbox.StartWithDemoData();
        var cli = new CliDriver();
        cli.Environment["ZAPIER_ACCESS_TOKEN"] = sandbox.AccessToken;

        var result = await cli.RunAsync("run", SandboxDemo.NeverFinishes, "--wait", "--timeout", "2m", "--base-url", sandbox.BaseUrl.ToString());

        Assert.Equal(2, result.ExitCode);
        var match = System.Text.RegularExpressions.Regex.Match(
            result.Output, @"Run (?<id>\S+) is still waiting after (?<polls>\d+) polls in 2m 0\ds: the wait timed out\. The run goes on at Zapier\.");
        Assert.True(match.Success, result.Output);
        Assert.Contains($"Resume with: zapier runs watch {match.Groups["id"].Value} --base-url {sandbox.BaseUrl}", result.Output);
    }

    [Fact]
    public async Task With_json_a_timed_out_wait_says_timeout_and_how_to_resume()
    {
        await using var sandbox = ZapierSandbox.StartWithDemoData();
        var cli = new CliDriver();
        cli.Environment["ZAPIER_ACCESS_TOKEN"] = sandbox.AccessToken;

        var result = await cli.RunAsync("run", SandboxDemo.NeverFinishes, "--wait", "--timeout", "90s", "--json", "--base-url", sandbox.BaseUrl.ToString());

        Assert.Equal(2, result.ExitCode);
        using var document = JsonDocument.Parse(result.Output);
        var root = document.RootElement;
        var id = root.GetProperty("id").GetString();
        Assert.Equal("timeout", root.GetProperty("outcome").GetString());
        Assert.Equal(2, root.GetProperty("exit_code").GetInt32());
        Assert.Equal("waiting", root.GetProperty("status").GetString());
        Assert.Equal($"zapier runs watch {id} --base-url {sandbox.BaseUrl}", root.GetProperty("resume").GetString());
        Assert.InRange(root.GetProperty("elapsed_seconds").GetDouble(), 90, 92);
    }

    [Fact]
    public async Task In_the_sandbox_a_timed_out_wait_says_its_run_ends_with_the_command_and_offers_no_resume()
    {
        var text = await new CliDriver().RunAsync("run", SandboxDemo.NeverFinishes, "--sandbox", "--wait", "--timeout", "90s");
        var json = await new CliDriver().RunAsync("run", SandboxDemo.NeverFinishes, "--sandbox", "--wait", "--timeout", "90s", "--json");

        Assert.Equal(2, text.ExitCode);
        Assert.Matches(@"the wait timed out\. Sandbox runs end with this command: this one cannot be resumed\.", text.Output);
        Assert.DoesNotContain("goes on at Zapier", text.Output);
        Assert.DoesNotContain("runs watch", text.Output);
        Assert.Equal(2, json.ExitCode);
        using var document = JsonDocument.Parse(json.Output);
        Assert.Equal("timeout", document.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("resume").ValueKind);
    }

    [Fact]
    public async Task In_the_sandbox_a_run_started_without_wait_says_it_cannot_be_watched_later()
    {
        var text = await new CliDriver().RunAsync("run", SandboxDemo.SendEmail, "--sandbox");
        var json = await new CliDriver().RunAsync("run", SandboxDemo.SendEmail, "--sandbox", "--json");

        Assert.Equal(0, text.ExitCode);
        Assert.Matches(@"^Started run \S+\. Sandbox runs end with this command: add --wait to follow one\.", text.Output);
        Assert.DoesNotContain("runs watch", text.Output);
        using var document = JsonDocument.Parse(json.Output);
        Assert.Equal("started", document.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("resume").ValueKind);
    }

    [Fact]
    public async Task On_a_terminal_without_ansi_the_wait_prints_plain_lines_not_a_live_line()
    {
        foreach (var terminal in new[] { new TestConsole().Width(120).Interactive().SupportsAnsi(false), new TestConsole().Width(120).EmitAnsiSequences() })
        {
            var cli = new CliDriver { Terminal = terminal };

            var result = await cli.RunAsync("run", SandboxDemo.SendEmail, "--sandbox", "--wait");

            Assert.Equal(0, result.ExitCode);
            Assert.DoesNotContain("⏳", result.Terminal);
            Assert.Matches(@"run \S+: waiting, 2 polls, next poll in 1\.1 s, elapsed 1\.3 s", result.Output);
            Assert.Matches(@"Run \S+ succeeded after 3 polls in 2\.4 s\.", result.Output);
        }
    }

    [Fact]
    public async Task Json_and_result_lines_keep_quotes_angle_brackets_and_non_ascii_as_they_are()
    {
        await using var sandbox = ZapierSandbox.StartWithDemoData();
        sandbox.AddAction("demo:umlaut", run => run.Success(new { name = "Jürgen <j@example.com>", note = "it's" }));
        var cli = new CliDriver();
        cli.Environment["ZAPIER_ACCESS_TOKEN"] = sandbox.AccessToken;

        var text = await cli.RunAsync("run", "demo:umlaut", "--wait", "--base-url", sandbox.BaseUrl.ToString());
        var json = await cli.RunAsync("run", "demo:umlaut", "--wait", "--json", "--base-url", sandbox.BaseUrl.ToString());

        Assert.Equal(0, text.ExitCode);
        Assert.Contains("""  {"name":"Jürgen <j@example.com>","note":"it's"}""", text.Output);
        Assert.Equal(0, json.ExitCode);
        Assert.Contains("\"Jürgen <j@example.com>\"", json.Output);
        Assert.Contains("\"it's\"", json.Output);
    }

    [Fact]
    public async Task A_create_still_refused_with_429_after_the_clients_retries_exits_3()
    {
        await using var sandbox = ZapierSandbox.StartWithDemoData();
        sandbox.AddAction("demo:busy", run => run.FailCreates(
            SandboxFault.TooManyRequests(), SandboxFault.TooManyRequests(), SandboxFault.TooManyRequests(),
            SandboxFault.TooManyRequests(), SandboxFault.TooManyRequests(), SandboxFault.TooManyRequests()).Success());
        var cli = new CliDriver();
        cli.Environment["ZAPIER_ACCESS_TOKEN"] = sandbox.AccessToken;

        var result = await cli.RunAsync("run", "demo:busy", "--wait", "--base-url", sandbox.BaseUrl.ToString(), "--json");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("429", result.Error);
        using var document = JsonDocument.Parse(result.Output);
        Assert.Equal("refused", document.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(3, document.RootElement.GetProperty("exit_code").GetInt32());
        Assert.Empty(sandbox.Runs);
    }

    [Fact]
    public async Task With_json_ctrl_c_during_a_wait_prints_one_cancelled_document_with_the_resume_command()
    {
        await using var sandbox = ZapierSandbox.StartWithDemoData();
        var cli = new CliDriver();
        cli.Environment["ZAPIER_ACCESS_TOKEN"] = sandbox.AccessToken;

        var result = await cli.RunAsync(
            ["run", SandboxDemo.NeverFinishes, "--wait", "--json", "--base-url", sandbox.BaseUrl.ToString()], cancelWhenOutputContains: null,
            cancelAfter: TimeSpan.FromSeconds(10));

        Assert.Equal(130, result.ExitCode);
        var run = Assert.Single(sandbox.Runs);
        using var document = JsonDocument.Parse(result.Output);
        var root = document.RootElement;
        Assert.Equal("cancelled", root.GetProperty("outcome").GetString());
        Assert.Equal(130, root.GetProperty("exit_code").GetInt32());
        Assert.Equal(run.Id, root.GetProperty("id").GetString());
        Assert.Equal("waiting", root.GetProperty("status").GetString());
        Assert.Equal(sandbox.Journal.PollsOf(run.Id).Count, root.GetProperty("polls").GetInt32());
        Assert.Equal($"zapier runs watch {run.Id} --base-url {sandbox.BaseUrl}", root.GetProperty("resume").GetString());
    }

    [Fact]
    public async Task Ctrl_c_while_the_run_is_being_started_exits_130_and_says_a_run_may_have_been_made()
    {
        // Cancelled as the sandbox banner is written, just before the create is sent.
        var result = await new CliDriver().RunAsync(["run", SandboxDemo.SendEmail, "--sandbox"], cancelWhenOutputContains: "SANDBOX:");

        Assert.Equal(130, result.ExitCode);
        Assert.Contains(
            "zapier: Cancelled while starting the run. Zapier may have made the run anyway, and without its id 'zapier runs get' cannot find it",
            result.Error);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public async Task Without_timeout_a_wait_gives_up_at_the_waiters_default_of_15_minutes()
    {
        await using var sandbox = ZapierSandbox.StartWithDemoData();
        var cli = new CliDriver();
        cli.Environment["ZAPIER_ACCESS_TOKEN"] = sandbox.AccessToken;

        var result = await cli.RunAsync("run", SandboxDemo.NeverFinishes, "--wait", "--json", "--base-url", sandbox.BaseUrl.ToString());

        Assert.Equal(2, result.ExitCode);
        using var document = JsonDocument.Parse(result.Output);
        // 15 min, plus at most the final poll's own time (PollTimeout, 30 s), on the fake clock.
        Assert.InRange(document.RootElement.GetProperty("elapsed_seconds").GetDouble(), 900, 930);
    }

    [Fact]
    public async Task Ctrl_c_during_a_wait_exits_130_stops_the_wait_not_the_run_and_prints_how_to_resume()
    {
        await using var sandbox = ZapierSandbox.StartWithDemoData();
        var cli = new CliDriver();
        cli.Environment["ZAPIER_ACCESS_TOKEN"] = sandbox.AccessToken;

        // The clock stands still, so the wait sleeps before its first poll until the token is cancelled.
        var result = await cli.RunAsync(
            ["run", SandboxDemo.NeverFinishes, "--wait", "--base-url", sandbox.BaseUrl.ToString()], cancelWhenOutputContains: "created, 0 polls",
            moveClock: false);

        Assert.Equal(130, result.ExitCode);
        var run = Assert.Single(sandbox.Runs);
        Assert.Contains($"Stopped waiting for run {run.Id} (still without a status after 0 polls in 0.0 s). The run goes on at Zapier.", result.Output);
        Assert.Contains($"Resume with: zapier runs watch {run.Id} --base-url {sandbox.BaseUrl}", result.Output);
        Assert.Empty(sandbox.Journal.PollsOf(run.Id));
        Assert.DoesNotContain(sandbox.AccessToken, result.Output + result.Error);
    }

    [Fact]
    public async Task Ctrl_c_after_some_polls_exits_130_with_the_last_status_and_polls_and_no_poll_after_it()
    {
        await using var sandbox = ZapierSandbox.StartWithDemoData();
        var cli = new CliDriver();
        cli.Environment["ZAPIER_ACCESS_TOKEN"] = sandbox.AccessToken;

        // Cancelled as the progress after the second poll is written, before the wait sleeps again.
        var result = await cli.RunAsync(
            ["run", SandboxDemo.NeverFinishes, "--wait", "--base-url", sandbox.BaseUrl.ToString()], cancelWhenOutputContains: "waiting, 2 polls");

        Assert.Equal(130, result.ExitCode);
        var run = Assert.Single(sandbox.Runs);
        Assert.Matches($@"Stopped waiting for run {run.Id} \(still waiting after 2 polls in \d+\.\d s\)\. The run goes on at Zapier\.", result.Output);
        Assert.Contains($"Resume with: zapier runs watch {run.Id} --base-url {sandbox.BaseUrl}", result.Output);
        Assert.Equal(2, sandbox.Journal.PollsOf(run.Id).Count);
    }

    [Fact]
    public async Task A_run_started_without_wait_can_be_read_with_runs_get_and_followed_with_runs_watch()
    {
        await using var sandbox = ZapierSandbox.StartWithDemoData();
        var cli = new CliDriver();
        cli.Environment["ZAPIER_ACCESS_TOKEN"] = sandbox.AccessToken;
        var baseUrl = sandbox.BaseUrl.ToString();

        var started = await cli.RunAsync("run", SandboxDemo.SendEmail, "--base-url", baseUrl, "--json");
        using var startedJson = JsonDocument.Parse(started.Output);
        var id = startedJson.RootElement.GetProperty("id").GetString()!;
        var got = await cli.RunAsync("runs", "get", id, "--base-url", baseUrl, "--json");
        var watched = await cli.RunAsync("runs", "watch", id, "--base-url", baseUrl);

        Assert.Equal(0, started.ExitCode);
        Assert.Equal("started", startedJson.RootElement.GetProperty("outcome").GetString());
        Assert.Equal($"zapier runs watch {id} --base-url {baseUrl}", startedJson.RootElement.GetProperty("resume").GetString());
        Assert.Equal(0, got.ExitCode);
        using var gotJson = JsonDocument.Parse(got.Output);
        Assert.Equal("in_progress", gotJson.RootElement.GetProperty("outcome").GetString());
        Assert.Equal("waiting", gotJson.RootElement.GetProperty("status").GetString());
        Assert.Equal(0, watched.ExitCode);
        Assert.Contains($"Run {id} succeeded after 2 polls", watched.Output);   // runs get made the first of its three
        Assert.Equal(3, sandbox.Journal.PollsOf(id).Count);
    }

    [Fact]
    public async Task Inputs_from_a_file_and_from_pairs_reach_the_create_with_the_authentication()
    {
        await using var sandbox = ZapierSandbox.StartWithDemoData();
        var cli = new CliDriver();
        cli.Environment["ZAPIER_ACCESS_TOKEN"] = sandbox.AccessToken;
        var file = Path.Combine(Path.GetTempPath(), $"zapier-cli-inputs-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{"to":"file@example.com","subject":"Hello","count":3}""");
        try
        {
            var result = await cli.RunAsync(
                "run", SandboxDemo.SendEmail, "--auth", SandboxDemo.AuthenticationId, "--inputs-json", file,
                "--input", "to=pair@example.com", "--input", "note=a=b", "--base-url", sandbox.BaseUrl.ToString());

            Assert.Equal(0, result.ExitCode);
            var create = Assert.Single(sandbox.Journal.Creates);
            Assert.Equal(SandboxDemo.AuthenticationId, create.Authentication);
            Assert.Equal("pair@example.com", create.Input("to"));     // a pair wins over the file
            Assert.Equal("Hello", create.Input("subject"));
            Assert.Equal("a=b", create.Input("note"));                // split at the first '='
            Assert.Equal(3, create.Inputs["count"]!.GetValue<long>());
            Assert.Contains($"Started run {create.RunId}.", result.Output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task An_unknown_run_id_exits_3_with_the_apis_answer()
    {
        var result = await new CliDriver().RunAsync("runs", "get", "no-such-run", "--sandbox", "--json");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("zapier: Zapier API request GET /v2/action-runs/no-such-run failed with 404", result.Error);
        using var document = JsonDocument.Parse(result.Output);
        Assert.Equal("refused", document.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(3, document.RootElement.GetProperty("exit_code").GetInt32());
    }

    [Fact]
    public async Task An_unknown_action_exits_3()
    {
        var result = await new CliDriver().RunAsync("run", "demo:no-such-action", "--sandbox", "--wait");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("zapier: Zapier API request POST /v2/action-runs failed with 4", result.Error);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public async Task A_token_the_api_refuses_exits_3_and_is_never_printed()
    {
        await using var sandbox = ZapierSandbox.StartWithDemoData();
        var cli = new CliDriver();
        cli.Environment["ZAPIER_ACCESS_TOKEN"] = "not-the-sandbox-token-4711";

        var result = await cli.RunAsync("runs", "watch", "r-1", "--base-url", sandbox.BaseUrl.ToString());

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("failed with 401", result.Error);
        Assert.DoesNotContain("not-the-sandbox-token-4711", result.Output + result.Error);
    }

    [Fact]
    public async Task A_token_file_is_read_and_named_in_the_resume_command()
    {
        await using var sandbox = ZapierSandbox.StartWithDemoData();
        var file = Path.Combine(Path.GetTempPath(), $"zapier-cli-{Guid.NewGuid():N}.token");
        await File.WriteAllTextAsync(file, sandbox.AccessToken + "\n");
        try
        {
            var result = await new CliDriver().RunAsync("run", SandboxDemo.SendEmail, "--token-file", file, "--base-url", sandbox.BaseUrl.ToString());

            Assert.Equal(0, result.ExitCode);
            Assert.Contains($"--base-url {sandbox.BaseUrl} --token-file {file}", result.Output);
            Assert.True(Assert.Single(sandbox.Journal.Creates).Succeeded);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_server_error_on_the_create_exits_4_and_is_not_sent_again()
    {
        await using var sandbox = ZapierSandbox.StartWithDemoData();
        sandbox.AddAction("demo:flaky", run => run.FailCreates(SandboxFault.ServerError(503)).Success());
        var cli = new CliDriver();
        cli.Environment["ZAPIER_ACCESS_TOKEN"] = sandbox.AccessToken;

        var result = await cli.RunAsync("run", "demo:flaky", "--wait", "--base-url", sandbox.BaseUrl.ToString(), "--json");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("failed with 503", result.Error);
        using var document = JsonDocument.Parse(result.Output);
        Assert.Equal("unavailable", document.RootElement.GetProperty("outcome").GetString());
        Assert.Single(sandbox.Journal.CreatesOf("demo:flaky"));   // a POST that may have run is never repeated
    }

    [Fact]
    public async Task Sandbox_and_base_url_together_are_a_usage_error()
    {
        var result = await new CliDriver().RunAsync("apps", "list", "--sandbox", "--base-url", "https://api.zapier.com");

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("--sandbox and --base-url cannot be combined", result.Error);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
}
