namespace Zapier.Client.Http;

/// <summary>One operation of the schema: how to recognise its requests and which credentials it accepts.</summary>
/// <param name="OperationId">The schema's operationId.</param>
/// <param name="Method">Upper-case HTTP method.</param>
/// <param name="PathTemplate">Path template as in the schema, e.g. <c>/v2/action-runs/{id}</c>.</param>
/// <param name="SecurityAlternatives">
/// The schema's security requirements: any one alternative suffices, and every requirement in it is needed.
/// Empty means the operation declares no security; an empty alternative means anonymous access is allowed.
/// </param>
internal sealed record OperationEntry(string OperationId, string Method, string PathTemplate, SecurityRequirement[][] SecurityAlternatives)
{
    /// <summary>The path template with parameter names blanked, the form both the schema and Kiota agree on.</summary>
    public string Shape { get; } = OperationCatalog.ShapeOf(PathTemplate);
}

/// <summary>One security scheme of a requirement, with the OAuth scopes it asks for.</summary>
internal sealed record SecurityRequirement(string Scheme, string[] Scopes);
