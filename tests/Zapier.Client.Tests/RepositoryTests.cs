using System.Diagnostics;
using System.Text;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests;

/// <summary>The repository stands alone: nothing it tracks points at notes that live outside it.</summary>
public sealed class RepositoryTests
{
    [Fact]
    public void No_tracked_text_file_cites_notes_outside_the_repository()
    {
        // Assembled from parts so that this file does not match itself.
        string[] outside = [string.Concat("shared", "/reference"), string.Concat("..", "/shared")];

        var files = TrackedFiles();
        Assert.Contains("openapi/corrections.overlay.yaml", files);
        var citations = new List<string>();
        foreach (var file in files)
        {
            var path = Path.Combine(RepoPaths.Root, file);
            if (!File.Exists(path))
            {
                continue; // deleted in the work tree, not yet committed
            }

            var bytes = File.ReadAllBytes(path);
            if (Array.IndexOf(bytes, (byte)0, 0, Math.Min(bytes.Length, 8000)) >= 0)
            {
                continue; // binary, as git judges it: a NUL byte near the start
            }

            var lines = Encoding.UTF8.GetString(bytes).Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                if (outside.Any(o => lines[i].Contains(o, StringComparison.Ordinal)))
                {
                    citations.Add($"{file}:{i + 1}");
                }
            }
        }

        Assert.True(citations.Count == 0, "These lines cite notes that are not part of the repository; cite the public source instead: " + string.Join(", ", citations));
    }

    private static List<string> TrackedFiles()
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "ls-files", "-z" })
        {
            start.ArgumentList.Add(argument);
        }

        using var git = Process.Start(start) ?? throw new InvalidOperationException("Could not start git.");
        var error = git.StandardError.ReadToEndAsync();
        var output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        Assert.True(git.ExitCode == 0, $"git ls-files failed in {RepoPaths.Root}: {error.Result}");
        return [.. output.Split('\0', StringSplitOptions.RemoveEmptyEntries)];
    }
}
