using Zapier.Client.Http;

namespace Zapier.Client.Authentication;

/// <summary>
/// The OAuth scopes of the Partner API, as the schema (with this project's corrections) declares them: which scopes
/// exist, and which scope sets authorize each operation. Useful when building the authorization URL for a user.
/// </summary>
public static class ZapierScopes
{
    /// <summary>Every scope the schema declares, sorted.</summary>
    public static IReadOnlyList<string> Declared { get; } = OperationCatalog.DeclaredScopes;

    /// <summary>
    /// The scope sets that authorize an operation with a bearer token: any one set suffices. Empty when the operation
    /// does not accept OAuth (it takes a client id, or nothing).
    /// </summary>
    /// <param name="operationId">The schema's operationId, e.g. <c>get-v2-zaps</c>.</param>
    /// <exception cref="ArgumentException">No operation has that id.</exception>
    public static IReadOnlyList<IReadOnlyList<string>> For(string operationId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(operationId);
        var operation = OperationCatalog.All.FirstOrDefault(o => o.OperationId == operationId)
            ?? throw new ArgumentException($"The schema has no operation '{operationId}'.", nameof(operationId));
        return operation.SecurityAlternatives
            .Where(alternative => alternative.Any(r => r.Scheme == SecuritySchemes.OAuth))
            .Select(alternative => (IReadOnlyList<string>)alternative.SelectMany(r => r.Scopes).ToList())
            .ToList();
    }
}
