using System.Diagnostics;
using Newtonsoft.Json.Linq;

namespace Zapier.SchemaTool;

/// <summary>Runs the pinned Kiota local tool, offline, into a cleaned output folder.</summary>
internal static class KiotaRunner
{
    public static string ToolVersion(string repoRoot)
    {
        var manifest = Path.Combine(repoRoot, "dotnet-tools.json");
        var json = JObject.Parse(File.ReadAllText(manifest));
        return json.SelectToken("tools['microsoft.openapi.kiota'].version")?.Value<string>()
            ?? throw new SchemaToolException($"{manifest}: does not pin the 'microsoft.openapi.kiota' tool.");
    }

    public static IReadOnlyList<string> Arguments(IReadOnlyDictionary<string, string> options, string description, string output)
    {
        var args = new List<string> { "kiota", "generate", "-d", description, "-o", output, "--clean-output", "--ll", "Error" };
        foreach (var (name, value) in options.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            args.Add("--" + name);
            if (value.Length > 0)
            {
                args.Add(value);
            }
        }

        return args;
    }

    public static void Run(string repoRoot, IReadOnlyList<string> arguments)
    {
        Exec(repoRoot, ["tool", "restore"]);
        Exec(repoRoot, arguments);
    }

    private static void Exec(string workingDirectory, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // No update checks, telemetry or tutorial prompts: the build must work offline and be quiet.
        start.Environment["KIOTA_OFFLINE_ENABLED"] = "true";
        start.Environment["KIOTA_TUTORIAL_ENABLED"] = "false";
        start.Environment["KIOTA_CLI_TELEMETRY_OPTOUT"] = "true";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = Process.Start(start) ?? throw new SchemaToolException("Could not start 'dotnet'.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new SchemaToolException(
                $"'dotnet {string.Join(' ', arguments)}' failed with exit code {process.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
        }
    }
}
