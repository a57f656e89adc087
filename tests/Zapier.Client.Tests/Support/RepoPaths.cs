namespace Zapier.Client.Tests.Support;

/// <summary>Locates files of the repository from the test binaries.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The schema after corrections, written by the library's build.</summary>
    public static string EffectiveSchema => Path.Combine(Root, "obj", "openapi", "partner-api.effective.json");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "kiota-lock.json")) && Directory.Exists(Path.Combine(dir.FullName, "openapi")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Could not find the repository root (kiota-lock.json) above " + AppContext.BaseDirectory);
    }
}
