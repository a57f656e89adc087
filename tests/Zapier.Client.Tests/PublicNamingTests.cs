using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests;

/// <summary>
/// The public surface of the package reads like .NET: PascalCase types and members, camelCase parameters, no "_",
/// acronyms of three letters or more written as words (Http, not HTTP). Most of that surface is generated, so a
/// schema refresh can bring back a Kiota name such as <c>ActionRunResponseData_results</c>; the failure names the
/// schema location that produced it, to be given a name in openapi/corrections.overlay.yaml (group (l)).
/// </summary>
public sealed class PublicNamingTests(StubServerFixture stub) : IClassFixture<StubServerFixture>
{
    [Fact]
    public void Every_public_type_member_and_parameter_of_the_package_has_a_dotnet_name()
    {
        var problems = PublicNames.Violations(typeof(ZapierClient).Assembly).ToList();

        Assert.True(problems.Count == 0,
            $"{problems.Count} public names break .NET naming; give each a name in openapi/corrections.overlay.yaml (generated) or rename it (hand-written):\n"
            + string.Join("\n", problems));
    }

    [Fact]
    public async Task Renamed_enum_members_and_path_parameters_keep_what_goes_over_the_wire()
    {
        stub.Server.Reset();
        stub.Server.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithBody("{\"data\": [], \"links\": {}, \"meta\": {}}"));
        using var client = TestCredentials.Client(stub.BaseUrl);

        await client.V2.Actions.GetAsync(c => (c.QueryParameters.App, c.QueryParameters.ActionType) = (Guid.Empty, Generated.Models.ActionType.SearchOrWrite));
        await client.V2.Actions["core:1"].Inputs["in/1"].Choices.PostAsync(new Generated.Models.ChoiceRequest());
        var error = (Generated.Models.ActionRunResponseError)KiotaJson.Parse(typeof(Generated.Models.ActionRunResponseError), "{\"code\": \"system_throttled\"}");

        var sent = stub.Server.LogEntries.Select(e => e.RequestMessage).ToList();
        Assert.Equal("SEARCH_OR_WRITE", sent[0].Query!["action_type"].Single());
        Assert.Equal("/v2/actions/core:1/inputs/in%2F1/choices", new Uri(sent[1].AbsoluteUrl).AbsolutePath);
        Assert.Equal(Generated.Models.CodeEnum.SystemThrottled, error.Code);
    }

    [Fact]
    public void Every_public_type_of_the_package_is_checked()
    {
        var checkedTypes = PublicNames.CheckedTypes(typeof(ZapierClient).Assembly).ToList();

        // The generated models, request builders and the hand-written layer are all in scope.
        Assert.Contains(typeof(Generated.Models.ActionRunResult), checkedTypes);
        Assert.Contains(typeof(Generated.V2.Actions.Item.ActionItemRequestBuilder), checkedTypes);
        Assert.Contains(typeof(Client.ActionRuns.ActionRunWaitUntil), checkedTypes);
        Assert.True(checkedTypes.Count > 100, $"only {checkedTypes.Count} public types found");
    }

    /// <summary>
    /// Public types of Azure.Core that applications using both SDKs import next to ours (<c>using Azure;</c>); a type
    /// of ours with one of these names makes every unqualified use ambiguous (CS0104).
    /// </summary>
    [Theory]
    [InlineData("WaitUntil")]
    [InlineData("Response")]
    [InlineData("Operation")]
    [InlineData("ETag")]
    [InlineData("RequestContext")]
    [InlineData("ClientOptions")]
    [InlineData("RetryOptions")]
    [InlineData("ErrorOptions")]
    public void No_hand_written_public_type_shares_its_name_with_a_common_Azure_type(string azureName)
    {
        var clashes = PublicNames.CheckedTypes(typeof(ZapierClient).Assembly)
            .Where(t => t.Namespace?.StartsWith("Zapier.Client.Generated", StringComparison.Ordinal) != true && t.Name == azureName)
            .Select(t => t.FullName).ToList();

        Assert.True(clashes.Count == 0, $"{string.Join(", ", clashes)} clashes with Azure.{azureName}");
    }

    [Theory]
    [InlineData("Zapier.Client.Generated.Models", "ActionRunResponseData_results", null, "#/components/schemas/ActionRunResponseData/properties/results/items")]
    [InlineData("Zapier.Client.Generated.Models", "AuthenticationCreateRequestData_authentication_fields", null, "#/components/schemas/AuthenticationCreateRequestData/properties/authentication_fields")]
    [InlineData("Zapier.Client.Generated.Models", "ActionObject+Action_app", null, "#/components/schemas/Action/properties/app")]
    [InlineData("Zapier.Client.Generated.Models", "ActionRunResponseError_meta", null, "#/components/schemas/_ActionRunResponseError/properties/meta")]
    [InlineData("Zapier.Client.Generated.Models", "CodeEnum", "System_throttled", "#/components/schemas/CodeEnum/enum (value 'system_throttled')")]
    [InlineData("Zapier.Client.Generated.Models", "Error", "Source_pointer", "#/components/schemas/Error/properties (no property 'Source_pointer')")]
    [InlineData("Zapier.Client.Generated.V2.Actions", "GetAction_typeQueryParameterType", null, "#/paths/~1v2~1actions/get/parameters/0/schema")]
    [InlineData("Zapier.Client.Generated.V2.ZapRuns", "GetStatusesQueryParameterType", "Error_handled", "#/components/schemas/ZapRunStatus/enum (value 'error_handled')")]
    [InlineData("Zapier.Client.Generated.V2.Actions.Item", "WithAction_ItemRequestBuilder", null, "path parameter {action-id} of #/paths/~1v2~1actions~1{action-id}~1inputs")]
    [InlineData("Zapier.Client.Generated.V2.Actions.Item.Inputs.Item", "WithInput_ItemRequestBuilder", null, "path parameter {input-id} of #/paths/~1v2~1actions~1{action-id}~1inputs~1{input-id}~1choices")]
    [InlineData("Zapier.Client.ActionRuns", "Some_type", null, "hand-written (src/Zapier.Client)")]
    public void A_bad_name_is_traced_to_the_schema_location_that_produced_it(string ns, string type, string? member, string expected)
    {
        var location = NameOrigin.Locate(ns, type.Split('+'), member);

        Assert.Equal(expected, location);
    }
}

/// <summary>Finds the public names of an assembly that break .NET naming.</summary>
internal static class PublicNames
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    public static IEnumerable<Type> CheckedTypes(Assembly assembly) =>
        assembly.GetExportedTypes().Where(t => !t.IsDefined(typeof(CompilerGeneratedAttribute), false));

    public static IEnumerable<string> Violations(Assembly assembly)
    {
        foreach (var type in CheckedTypes(assembly).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            var chain = TypeChain(type);
            if (Problem(chain[^1], pascal: true) is { } typeProblem)
            {
                yield return $"type {type.FullName}: {typeProblem}; from {NameOrigin.Locate(type.Namespace ?? "", chain, null)}";
            }

            foreach (var member in type.GetMembers(Declared).Where(IsPublicSurface).OrderBy(m => m.Name, StringComparer.Ordinal))
            {
                if (Problem(member.Name, pascal: true) is { } memberProblem)
                {
                    yield return $"member {type.FullName}.{member.Name}: {memberProblem}; from {NameOrigin.Locate(type.Namespace ?? "", chain, member.Name)}";
                }

                var parameters = member is MethodBase method ? method.GetParameters()
                    : member is PropertyInfo property ? property.GetIndexParameters() : [];
                foreach (var parameter in parameters)
                {
                    if (ParameterProblem(type, parameter) is { } parameterProblem)
                    {
                        yield return $"parameter '{parameter.Name}' of {type.FullName}.{member.Name}: {parameterProblem}; from {NameOrigin.Locate(type.Namespace ?? "", chain, null)}";
                    }
                }
            }

            foreach (var constructor in type.GetConstructors(Declared).Where(c => c.IsPublic || c.IsFamily || c.IsFamilyOrAssembly))
            {
                foreach (var parameter in constructor.GetParameters())
                {
                    if (ParameterProblem(type, parameter) is { } parameterProblem)
                    {
                        yield return $"parameter '{parameter.Name}' of a constructor of {type.FullName}: {parameterProblem}; from {NameOrigin.Locate(type.Namespace ?? "", chain, null)}";
                    }
                }
            }
        }
    }

    /// <summary>
    /// Parameters are camelCase, except those of a positional record (constructor, Deconstruct), which carry the
    /// PascalCase name of the property they set.
    /// </summary>
    private static string? ParameterProblem(Type type, ParameterInfo parameter)
    {
        if (parameter.Name is not { Length: > 0 } name)
        {
            return null;
        }

        var positional = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance) is not null
            && (parameter.Member is ConstructorInfo || parameter.Member.Name == "Deconstruct");
        return Problem(name, pascal: positional);
    }

    /// <summary>What is wrong with a name, or null when it is fine.</summary>
    public static string? Problem(string name, bool pascal)
    {
        if (name.Contains('_', StringComparison.Ordinal))
        {
            return "contains '_'";
        }

        if (pascal ? !char.IsUpper(name[0]) : !char.IsLower(name[0]))
        {
            return pascal ? "does not start with an upper-case letter (PascalCase)" : "does not start with a lower-case letter (camelCase)";
        }

        // An upper-case run followed by a lower-case letter ends with the first letter of the next word (IOStream).
        for (var start = 0; start < name.Length;)
        {
            var end = start;
            while (end < name.Length && char.IsUpper(name[end]))
            {
                end++;
            }

            var acronym = end < name.Length && char.IsLower(name[end]) ? end - start - 1 : end - start;
            if (acronym > 2)
            {
                return $"has the upper-case run '{name[start..end]}' (acronyms of three letters or more are written Xml, Http)";
            }

            start = end == start ? end + 1 : end;
        }

        return null;
    }

    private static bool IsPublicSurface(MemberInfo member) => member switch
    {
        Type => false, // nested types are checked as types
        ConstructorInfo => false,
        MethodInfo m => (m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly) && !m.IsSpecialName && !m.Name.StartsWith('<'),
        FieldInfo f => (f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly) && !f.IsSpecialName,
        PropertyInfo p => p.GetAccessors(nonPublic: true).Any(a => a.IsPublic || a.IsFamily || a.IsFamilyOrAssembly),
        EventInfo e => e.AddMethod is { } add && (add.IsPublic || add.IsFamily || add.IsFamilyOrAssembly),
        _ => false,
    };

    private static string[] TypeChain(Type type)
    {
        var chain = new List<string>();
        for (var t = type; t is not null; t = t.DeclaringType)
        {
            var name = t.Name;
            chain.Insert(0, name.Contains('`', StringComparison.Ordinal) ? name[..name.IndexOf('`', StringComparison.Ordinal)] : name);
        }

        return [.. chain];
    }
}

/// <summary>
/// Where in the effective schema a generated name comes from, derived from how Kiota 1.38 names things: a component
/// keeps its name (Action becomes ActionObject), an inline schema is <c>Parent_property</c>, a query enum is
/// <c>{Method}{Parameter}QueryParameterType</c> in its path's namespace, an item request builder is named after its
/// path parameter and lives in the namespace of its path ("Item" for the parameter segment).
/// </summary>
internal static class NameOrigin
{
    private const string GeneratedNamespace = "Zapier.Client.Generated";
    private const string ModelsNamespace = GeneratedNamespace + ".Models";
    private static readonly string[] Methods = ["Get", "Post", "Put", "Patch", "Delete"];

    public static string Locate(string ns, IReadOnlyList<string> typeChain, string? member)
    {
        if (ns != GeneratedNamespace && !ns.StartsWith(GeneratedNamespace + ".", StringComparison.Ordinal))
        {
            return "hand-written (src/Zapier.Client)";
        }

        var typeName = typeChain[^1];
        var (pointer, node) = ns == ModelsNamespace ? ModelSchema(typeName) : PathSchema(ns, typeChain);
        if (pointer is null)
        {
            return $"no schema location found for {typeName}; look for the inline schema, parameter or path Kiota named it after";
        }

        if (member is null || node is null)
        {
            return pointer;
        }

        // A member lives in the schema the location refers to (a query parameter's array items, a component).
        var suffix = "";
        if (node["enum"] is null && node["items"] is JsonObject items)
        {
            (node, suffix) = (items, "/items");
        }

        if (ApiSchema.RefName(node) is { } component)
        {
            (pointer, node, suffix) = ("#/components/schemas/" + Escape(component), ApiSchema.Effective.Resolve(node)!, "");
        }

        if (node["enum"] is JsonArray values)
        {
            var value = values.Select(v => (string?)v).FirstOrDefault(v => v is not null && GeneratedNames.Normalize(v) == GeneratedNames.Normalize(member));
            return $"{pointer}{suffix}/enum (value '{value ?? member}')";
        }

        var property = (node["properties"] as JsonObject)?.Select(p => p.Key)
            .FirstOrDefault(p => GeneratedNames.Normalize(p) == GeneratedNames.Normalize(member));
        return property is null ? $"{pointer}{suffix}/properties (no property '{member}')" : $"{pointer}{suffix}/properties/{Escape(property)}";
    }

    /// <summary>The schema a class or enum of the Models namespace was generated from.</summary>
    private static (string? Pointer, JsonObject? Node) ModelSchema(string typeName)
    {
        var components = ApiSchema.Effective.Components;
        var key = GeneratedNames.Normalize(typeName);
        foreach (var (name, schema) in components)
        {
            var component = GeneratedNames.Normalize(name);
            if (component == key || component + "OBJECT" == key)
            {
                return ("#/components/schemas/" + Escape(name), schema as JsonObject);
            }
        }

        // Parent_property: the parent is itself a model name (a component or another inline schema).
        for (var split = typeName.IndexOf('_', StringComparison.Ordinal); split > 0; split = typeName.IndexOf('_', split + 1))
        {
            var (parentPointer, parent) = ModelSchema(typeName[..split]);
            var rest = GeneratedNames.Normalize(typeName[(split + 1)..]);
            var property = (parent?["properties"] as JsonObject)?.FirstOrDefault(p => GeneratedNames.Normalize(p.Key) == rest);
            if (parentPointer is not null && property?.Value is JsonObject propertySchema)
            {
                var pointer = $"{parentPointer}/properties/{Escape(property.Value.Key)}";
                return propertySchema["items"] is JsonObject items ? (pointer + "/items", items) : (pointer, propertySchema);
            }
        }

        return (null, null);
    }

    /// <summary>The path, parameter or query enum a type of a request-builder namespace was generated from.</summary>
    private static (string? Pointer, JsonObject? Node) PathSchema(string ns, IReadOnlyList<string> typeChain)
    {
        var segments = ns.Length > GeneratedNamespace.Length ? ns[(GeneratedNamespace.Length + 1)..].Split('.') : [];
        var paths = ApiSchema.Effective.Root["paths"]!.AsObject()
            .Select(p => (Path: p.Key, Item: p.Value as JsonObject, Segments: p.Key.Split('/', StringSplitOptions.RemoveEmptyEntries)))
            .Where(p => p.Segments.Length >= segments.Length && segments.Select((s, i) => Matches(s, p.Segments[i])).All(m => m))
            .OrderBy(p => p.Segments.Length)
            .ToList();
        if (paths.Count == 0)
        {
            return (null, null);
        }

        var (path, item, pathSegments) = paths[0];
        var typeName = typeChain[^1];
        if (typeName.EndsWith("ItemRequestBuilder", StringComparison.Ordinal) && segments is [.., "Item"])
        {
            return ($"path parameter {pathSegments[segments.Length - 1]} of #/paths/{Escape(path)}", null);
        }

        // {Method}{Parameter}QueryParameterType: the enum of a query parameter of the operation at this exact path.
        const string QueryEnum = "QueryParameterType";
        if (typeName.EndsWith(QueryEnum, StringComparison.Ordinal) && pathSegments.Length == segments.Length
            && Methods.FirstOrDefault(m => typeName.StartsWith(m, StringComparison.Ordinal)) is { } method)
        {
            var parameterKey = GeneratedNames.Normalize(typeName[method.Length..^QueryEnum.Length]);
            var operationKey = method.ToLowerInvariant();
            var parameters = item?[operationKey]?["parameters"] as JsonArray ?? [];
            for (var i = 0; i < parameters.Count; i++)
            {
                if (parameters[i] is JsonObject parameter && GeneratedNames.Normalize((string?)parameter["name"] ?? "") == parameterKey)
                {
                    return ($"#/paths/{Escape(path)}/{operationKey}/parameters/{i}/schema", parameter["schema"] as JsonObject);
                }
            }
        }

        return ($"#/paths/{Escape(path)}", item);
    }

    private static bool Matches(string namespaceSegment, string pathSegment) =>
        namespaceSegment == "Item" ? pathSegment.StartsWith('{') : GeneratedNames.Normalize(namespaceSegment) == GeneratedNames.Normalize(pathSegment);

    /// <summary>JSON Pointer escaping (RFC 6901).</summary>
    private static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
