using System.Text.RegularExpressions;

namespace Zapier.SchemaTool;

/// <summary>
/// Files of <c>generated/</c> added, removed and changed compared with the last commit (HEAD), as repository paths. A
/// rerun of a refresh compares with the same commit, so it reports the same files.
/// </summary>
internal sealed record FolderChanges(IReadOnlyList<string> Added, IReadOnlyList<string> Removed, IReadOnlyList<string> Changed)
{
    /// <summary>
    /// Reads the lines of <c>git diff --name-status --no-renames HEAD -- DIR</c> (tracked files against HEAD, staged or
    /// not: <c>A</c>, <c>D</c>, <c>M</c>, <c>T</c>, a tab and the path) and of
    /// <c>git ls-files --others --exclude-standard -- DIR</c> written as <c>?</c>, a tab and the path (new files git
    /// does not track yet).
    /// </summary>
    public static FolderChanges FromGit(IEnumerable<string> lines)
    {
        var added = new SortedSet<string>(StringComparer.Ordinal);
        var removed = new SortedSet<string>(StringComparer.Ordinal);
        var changed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var line in lines.Where(l => l.Length > 0))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab <= 0)
            {
                throw new SchemaToolException($"Not a git name-status line: '{line}'.");
            }

            var path = line[(tab + 1)..];
            var set = line[0] switch
            {
                'A' or '?' => added,
                'D' => removed,
                'M' or 'T' => changed,
                _ => throw new SchemaToolException($"Unexpected git status '{line[..tab]}' for {path} (renames are not asked for)."),
            };
            set.Add(path);
        }

        return new FolderChanges([.. added], [.. removed], [.. changed]);
    }
}

/// <summary>
/// The public API changes a build reported: the public API analyzers' RS0016 (a public symbol the baseline does not
/// list: added) and RS0017 (a listed symbol that is gone: removed), each symbol once however many times the build printed it.
/// </summary>
internal sealed partial record ApiChanges(IReadOnlyList<string> Added, IReadOnlyList<string> Removed)
{
    public bool IsEmpty => Added.Count + Removed.Count == 0;

    /// <summary>Reads a build's output; lines that are not RS0016/RS0017 diagnostics are skipped.</summary>
    public static ApiChanges FromBuildOutput(IEnumerable<string> lines)
    {
        var added = new SortedSet<string>(StringComparer.Ordinal);
        var removed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (Diagnostic().Match(line) is { Success: true } match)
            {
                (match.Groups["id"].Value == "RS0016" ? added : removed).Add(match.Groups["api"].Value);
            }
        }

        return new ApiChanges([.. added], [.. removed]);
    }

    // "file(l,c): warning RS0016: Symbol 'X' is not part of the declared public API [project]" (or "error" when
    // warnings are errors); RS0017: "Symbol 'X' is part of the declared API, but is either not public or could not be found".
    [GeneratedRegex(@": (?:warning|error) (?<id>RS0016|RS0017): Symbol '(?<api>.*)' is (?:not )?part of the declared")]
    private static partial Regex Diagnostic();
}
