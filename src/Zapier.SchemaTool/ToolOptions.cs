namespace Zapier.SchemaTool;

/// <summary>Command-line options and the fixed layout of the repository.</summary>
internal sealed record ToolOptions(
    string RepoRoot, string CatalogPath, string CatalogNamespace, bool Force, bool AllowNameCollisions, bool SkipGeneration)
{
    public const string SchemaPath = "openapi/partner-api.yaml";
    public const string CorrectionsPath = "openapi/corrections.overlay.yaml";
    public const string EffectivePath = "obj/openapi/partner-api.effective.json";
    public const string GeneratedPath = "generated";
    public const string LockPath = "kiota-lock.json";

    /// <summary>Kiota options recorded in the lock; changing any of them regenerates.</summary>
    public static readonly IReadOnlyDictionary<string, string> KiotaOptions = new Dictionary<string, string>
    {
        ["language"] = "CSharp",
        ["class-name"] = "ZapierGeneratedClient",
        ["namespace-name"] = "Zapier.Client.Generated",
        ["exclude-backward-compatible"] = string.Empty,
    };

    public static ToolOptions Parse(string[] args)
    {
        string? root = null, catalog = null, ns = null;
        bool force = false, allow = false, skip = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--repo-root": root = Value(args, ref i); break;
                case "--catalog": catalog = Value(args, ref i); break;
                case "--catalog-namespace": ns = Value(args, ref i); break;
                case "--force": force = true; break;
                case "--allow-name-collisions": allow = true; break;
                case "--skip-generation": skip = true; break;
                default: throw new SchemaToolException($"Unknown argument '{args[i]}'.");
            }
        }

        root = Path.GetFullPath(root ?? throw new SchemaToolException("--repo-root is required."));
        catalog ??= Path.Combine(root, "obj", "openapi", "OperationCatalog.g.cs");
        return new ToolOptions(root, Path.GetFullPath(catalog), ns ?? "Zapier.Client.Http", force, allow, skip);
    }

    private static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new SchemaToolException($"{args[i - 1]} needs a value.");
}
