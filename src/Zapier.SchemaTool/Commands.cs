using Newtonsoft.Json.Linq;

namespace Zapier.SchemaTool;

/// <summary>
/// The tool's commands besides generation, for <c>build.ps1</c>:
/// <c>import --from FILE --out FILE</c> (a downloaded schema into upstream-form YAML),
/// <c>diff --old SCHEMA --new SCHEMA [--generated-changes FILE] [--build-log FILE]</c> (the refresh summary: the
/// generated files from git's lines, see <see cref="FolderChanges.FromGit"/>; the public API from a build's output), and
/// <c>published-form --in SCHEMA --out FILE</c> (the schema as Zapier publishes it, see <see cref="PublishedForm"/>).
/// </summary>
internal static class Commands
{
    /// <summary>Runs the command named by the first argument; null when the arguments are the generation's.</summary>
    public static int? Run(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            return null;
        }

        var options = Options(args[1..]);
        switch (args[0])
        {
            case "import":
                var changed = SchemaImport.Import(Required(options, "from"), Required(options, "out"));
                Console.WriteLine(changed ? $"Zapier.SchemaTool: wrote {options["out"]}." : $"Zapier.SchemaTool: {options["out"]} already holds this schema.");
                return 0;
            case "diff":
                var diff = SchemaDiff.Compare(YamlJson.Load(Required(options, "old")), YamlJson.Load(Required(options, "new")));
                var generated = options.TryGetValue("generated-changes", out var changesFile) ? FolderChanges.FromGit(File.ReadLines(changesFile)) : null;
                var api = options.TryGetValue("build-log", out var log) ? ApiChanges.FromBuildOutput(File.ReadLines(log)) : null;
                Console.Write(diff.Render(generated, api));
                return 0;
            case "published-form":
                var schema = YamlJson.Load(Required(options, "in"));
                var changes = PublishedForm.Derive(schema);
                File.WriteAllText(Required(options, "out"), SchemaImport.ToYaml(schema));
                Console.WriteLine(changes.Count == 0
                    ? "Zapier.SchemaTool: the schema is in published form already; nothing to change."
                    : "Zapier.SchemaTool: published form: " + string.Join("; ", changes) + ".");
                return 0;
            default:
                throw new SchemaToolException($"Unknown command '{args[0]}'. Commands: import, diff, published-form; or --repo-root DIR to generate.");
        }
    }

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new SchemaToolException($"Expected '--name value', found '{args[i]}'.");
            }

            options[args[i][2..]] = args[++i];
        }

        return options;
    }

    private static string Required(Dictionary<string, string> options, string name) =>
        options.TryGetValue(name, out var value) ? value : throw new SchemaToolException($"--{name} is required.");
}
