using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Xml.Linq;

namespace Zapier.Cli.Tests;

/// <summary>The tool as users get it: packed, installed with <c>dotnet tool install</c>, run as a process.</summary>
public sealed class PackedToolTests
{
    [Fact]
    public async Task The_packed_tool_installs_from_a_local_feed_and_runs_a_sandbox_action_to_success_as_a_real_process()
    {
        var work = Directory.CreateTempSubdirectory("zapier-cli-tool-");
        try
        {
            var feed = Path.Combine(work.FullName, "feed");
            var tools = Path.Combine(work.FullName, "tools");
            // Only the local feed, and a package cache of its own: the install is offline and never sees an older
            // Zapier.Cli of the same version cached by an earlier run.
            var config = Path.Combine(work.FullName, "nuget.config");
            await File.WriteAllTextAsync(config, $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources><clear /><add key="feed" value="{feed}" /></packageSources>
                </configuration>
                """);
            var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(work.FullName, "packages") };
            var configuration = typeof(ZapierCli).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

            // The test project's build has built the tool already; pack what it built.
            var pack = await RunAsync(Dotnet, ["pack", Path.Combine(RepoRoot(), "src", "Zapier.Cli"), "-c", configuration, "--no-build", "-o", feed], environment);
            Assert.True(pack.ExitCode == 0, pack.Output);
            Assert.True(File.Exists(Path.Combine(feed, $"Zapier.Cli.{ToolVersion()}.nupkg")), pack.Output);

            var install = await RunAsync(Dotnet, ["tool", "install", "Zapier.Cli", "--tool-path", tools, "--configfile", config], environment);
            Assert.True(install.ExitCode == 0, install.Output);

            var zapier = Path.Combine(tools, OperatingSystem.IsWindows() ? "zapier.exe" : "zapier");
            var run = await RunAsync(zapier, ["run", "demo:send-email", "--sandbox", "--wait"], environment);

            Assert.True(run.ExitCode == 0, run.Output + run.Error);
            Assert.StartsWith("SANDBOX: using a local fake of the Partner API at http://127.0.0.1:", run.Error);
            // The process runs on the real clock, so the times are not asserted (the in-process tests assert them on a fake clock).
            Assert.Matches(@"run \S+: waiting, 2 polls, next poll in \d+\.\d s, elapsed \d+\.\d s", run.Output);   // plain lines: stdout is redirected
            Assert.Matches(@"Run \S+ succeeded after 3 polls in \d+\.\d s\.", run.Output);
            Assert.Contains("""{"id":"msg_0001","to":"user@example.com","status":"sent"}""", run.Output);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>The version every package packs (Version in src/Directory.Build.props), so a version bump needs no edit here.</summary>
    private static string ToolVersion() =>
        XDocument.Load(Path.Combine(RepoRoot(), "src", "Directory.Build.props")).Descendants("Version").Single().Value.Trim();

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Zapier.Generated.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Zapier.Generated.sln) was not found above " + AppContext.BaseDirectory);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string file, string[] args, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        // The installed tool's launcher finds the runtime this test runs on.
        start.Environment["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        start.Environment.Remove("ZAPIER_ACCESS_TOKEN");

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not end within 3 minutes.");
        }

        return (process.ExitCode, await output, await error);
    }
}
