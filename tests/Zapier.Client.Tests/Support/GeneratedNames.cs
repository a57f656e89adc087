using Zapier.Client.Generated.Models;

namespace Zapier.Client.Tests.Support;

/// <summary>How schema names map to generated names: Kiota drops symbols and capitalises, and renames Action.</summary>
internal static class GeneratedNames
{
    public static readonly Type[] Models = typeof(ActionRunResponse).Assembly.GetTypes()
        .Where(t => t.Namespace == typeof(ActionRunResponse).Namespace && !t.IsNested).ToArray();

    /// <summary>A name without symbols, upper-case, for comparing schema names with generated ones.</summary>
    public static string Normalize(string name) => new string(name.Where(char.IsLetterOrDigit).ToArray()).ToUpperInvariant();

    /// <summary>The generated model class of a component schema (Kiota names Action "ActionObject").</summary>
    public static Type ModelFor(string component) =>
        Models.Single(t => !t.IsEnum && (Normalize(t.Name) == Normalize(component) || Normalize(t.Name) == Normalize(component) + "OBJECT"));
}
