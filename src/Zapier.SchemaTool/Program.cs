using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Zapier.SchemaTool;

// Usage: Zapier.SchemaTool --repo-root DIR [--force] [--allow-name-collisions] [--skip-generation]
//   1. applies openapi/corrections.overlay.yaml to openapi/partner-api.yaml -> obj/openapi/partner-api.effective.json
//   2. refuses $refs that point at nothing, and schema names that Kiota would fold into one class (unless --allow-name-collisions)
//   3. writes the operation catalog (C#) used by the client's auth layer
//   4. regenerates generated/ with the pinned Kiota only when kiota-lock.json no longer matches inputs or outputs
// Commands used by build.ps1 (RefreshSchema, CheckPublishedSchema): import, diff, published-form; see Commands.cs.
try
{
    if (Commands.Run(args) is { } exitCode)
    {
        return exitCode;
    }

    var options = ToolOptions.Parse(args);
    var root = options.RepoRoot;

    var schema = YamlJson.Load(Path.Combine(root, ToolOptions.SchemaPath));
    var overlay = YamlJson.Load(Path.Combine(root, ToolOptions.CorrectionsPath));
    var applied = Corrections.Apply(schema, overlay, ToolOptions.CorrectionsPath);

    var dangling = ((JContainer)schema).Descendants().OfType<JProperty>()
        .Where(p => p.Name == "$ref" && p.Value.Type == JTokenType.String)
        .Select(p => (string)p.Value!)
        .Where(r => !r.StartsWith("#/", StringComparison.Ordinal)
            || schema.SelectToken("$" + string.Concat(r[2..].Split('/').Select(s => "['" + s.Replace("~1", "/").Replace("~0", "~") + "']"))) is null)
        .Distinct().ToList();
    if (dangling.Count > 0)
    {
        throw new SchemaToolException("After corrections these $refs point at nothing: " + string.Join(", ", dangling) + ".");
    }

    var collisions = NameCollisions.Find(schema);
    if (collisions.Count > 0 && !options.AllowNameCollisions)
    {
        throw new SchemaToolException(
            "These component schemas would generate one class and lose each other's fields: " +
            string.Join("; ", collisions.Select(c => string.Join(" + ", c))) +
            ". Add an x-rename-to correction in " + ToolOptions.CorrectionsPath + ".");
    }

    var effectiveText = schema.ToString(Formatting.Indented).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
    var effectivePath = Path.Combine(root, ToolOptions.EffectivePath);
    WriteIfChanged(effectivePath, effectiveText);
    WriteIfChanged(options.CatalogPath, OperationCatalogWriter.Render(schema, options.CatalogNamespace));
    Console.WriteLine($"Zapier.SchemaTool: {applied.Count} corrections applied -> {ToolOptions.EffectivePath}");

    if (options.SkipGeneration)
    {
        return 0;
    }

    var version = KiotaRunner.ToolVersion(root);
    var effectiveHash = GenerationLock.Sha256(effectiveText);
    var inputHash = GenerationLock.Sha256(
        effectiveHash + "\n" + version + "\n" + string.Join("\n", ToolOptions.KiotaOptions.OrderBy(o => o.Key).Select(o => o.Key + "=" + o.Value)));
    var generatedDir = Path.Combine(root, ToolOptions.GeneratedPath);
    var lockPath = Path.Combine(root, ToolOptions.LockPath);
    var previous = GenerationLock.Read(lockPath);
    var (outputHash, outputCount) = GenerationLock.HashFolder(generatedDir);

    if (!options.Force && previous is not null && previous.InputSha256 == inputHash && previous.OutputSha256 == outputHash)
    {
        Console.WriteLine("Zapier.SchemaTool: generated/ matches kiota-lock.json; Kiota not run.");
        return 0;
    }

    var reason = options.Force ? "forced" : previous is null ? "no kiota-lock.json"
        : previous.InputSha256 != inputHash ? "schema, corrections or generator options changed" : "generated/ differs from what the lock records";
    Console.WriteLine($"Zapier.SchemaTool: running Kiota {version} ({reason}).");
    KiotaRunner.Run(root, KiotaRunner.Arguments(ToolOptions.KiotaOptions, ToolOptions.EffectivePath, ToolOptions.GeneratedPath));

    // Kiota writes its own lock and sometimes a log into the output folder; the root lock is the one the build trusts.
    var kiotaLock = Path.Combine(generatedDir, "kiota-lock.json");
    string? descriptionHash = null;
    if (File.Exists(kiotaLock))
    {
        descriptionHash = JObject.Parse(File.ReadAllText(kiotaLock)).Value<string>("descriptionHash");
        File.Delete(kiotaLock);
    }

    File.Delete(Path.Combine(generatedDir, ".kiota.log"));
    (outputHash, outputCount) = GenerationLock.HashFolder(generatedDir);
    var record = new GenerationLock(version, ToolOptions.KiotaOptions, ToolOptions.SchemaPath, ToolOptions.CorrectionsPath,
        effectiveHash, inputHash, descriptionHash, outputHash, outputCount);
    WriteIfChanged(lockPath, record.Render());
    Console.WriteLine($"Zapier.SchemaTool: generated {outputCount} files into {ToolOptions.GeneratedPath}/.");
    return 0;
}
catch (Exception e) when (e is SchemaToolException or IOException or YamlDotNet.Core.YamlException or JsonException)
{
    // MSBuild recognises "error CODE: text" and fails the build with the message.
    Console.Error.WriteLine($"Zapier.SchemaTool : error ZSC001: {e.Message}");
    return 1;
}

static void WriteIfChanged(string path, string content)
{
    if (File.Exists(path) && File.ReadAllText(path) == content)
    {
        return; // keep the timestamp so incremental targets downstream stay skipped
    }

    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    File.WriteAllText(path, content);
}
