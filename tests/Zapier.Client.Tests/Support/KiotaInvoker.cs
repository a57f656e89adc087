using System.Reflection;
using System.Runtime.Serialization;
using System.Text.Json.Nodes;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;

namespace Zapier.Client.Tests.Support;

/// <summary>
/// Calls any operation of the generated client from its schema description: walks the request builders along the
/// path, sets query parameters by their wire names, parses the JSON body into the generated request model.
/// Adding an operation to the schema needs no code here.
/// </summary>
internal static class KiotaInvoker
{
    public static async Task<object?> InvokeAsync(
        ZapierClient client, ApiOperation operation, IReadOnlyDictionary<string, string> pathValues,
        IReadOnlyDictionary<string, JsonNode?> query, JsonNode? body, CancellationToken cancellationToken = default)
    {
        var (builder, method) = Resolve(client, operation, pathValues);
        var arguments = new List<object?>();
        foreach (var parameter in method.GetParameters())
        {
            if (parameter.ParameterType == typeof(CancellationToken))
            {
                arguments.Add(cancellationToken);
            }
            else if (typeof(IParsable).IsAssignableFrom(parameter.ParameterType))
            {
                arguments.Add(body is null ? null : KiotaJson.Parse(parameter.ParameterType, body.ToJsonString()));
            }
            else
            {
                var queryType = parameter.ParameterType.GetGenericArguments()[0].GetGenericArguments()[0];
                var configure = typeof(KiotaInvoker).GetMethod(nameof(Configure), BindingFlags.NonPublic | BindingFlags.Static)!
                    .MakeGenericMethod(queryType);
                arguments.Add(configure.Invoke(null, [query]));
            }
        }

        var task = (Task)method.Invoke(builder, [.. arguments])!;
        await task.ConfigureAwait(false);
        return task.GetType().GetProperty("Result")?.GetValue(task) is { } result && result.GetType().Name != "VoidTaskResult" ? result : null;
    }

    /// <summary>The generated request builder for an operation's path, and its method for the operation's HTTP method.</summary>
    public static (object Builder, MethodInfo Method) Resolve(ZapierClient client, ApiOperation operation, IReadOnlyDictionary<string, string> pathValues)
    {
        object builder = client;
        foreach (var segment in operation.Path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            builder = segment.StartsWith('{')
                ? Indexer(builder).GetValue(builder, [pathValues[segment.Trim('{', '}')]])!
                : Property(builder, segment).GetValue(builder)!;
        }

        var methodName = char.ToUpperInvariant(operation.Method[0]) + operation.Method[1..].ToLowerInvariant() + "Async";
        var method = builder.GetType().GetMethods().SingleOrDefault(m => m.Name == methodName)
            ?? throw new InvalidOperationException($"{builder.GetType().Name} has no {methodName} for {operation}.");
        return (builder, method);
    }

    /// <summary>The query parameter property of a generated query class for a wire name.</summary>
    public static PropertyInfo QueryProperty(Type queryType, string wireName) =>
        queryType.GetProperties().SingleOrDefault(p => p.GetCustomAttribute<QueryParameterAttribute>()?.TemplateName == wireName)
        ?? queryType.GetProperties().SingleOrDefault(p => GeneratedNames.Normalize(p.Name) == GeneratedNames.Normalize(wireName))
        ?? throw new InvalidOperationException($"{queryType.Name} has no query parameter '{wireName}'.");

    private static Action<RequestConfiguration<T>> Configure<T>(IReadOnlyDictionary<string, JsonNode?> query)
        where T : class, new() =>
        configuration =>
        {
            foreach (var (name, value) in query)
            {
                var property = QueryProperty(typeof(T), name);
                property.SetValue(configuration.QueryParameters, Convert(value, property.PropertyType));
            }
        };

    private static object? Convert(JsonNode? value, Type target)
    {
        if (value is null)
        {
            return null;
        }

        var type = Nullable.GetUnderlyingType(target) ?? target;
        if (type.IsArray)
        {
            var element = type.GetElementType()!;
            var items = ((JsonArray)value).Select(v => Convert(v, element)).ToArray();
            var array = Array.CreateInstance(element, items.Length);
            Array.Copy(items, array, items.Length);
            return array;
        }

        if (type.IsEnum)
        {
            var wire = (string)value!;
            return type.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Single(f => (f.GetCustomAttribute<EnumMemberAttribute>()?.Value ?? f.Name) == wire).GetValue(null);
        }

        return type == typeof(string) ? value.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string)value! : value.ToJsonString()
            : System.Text.Json.JsonSerializer.Deserialize(value, type);
    }

    private static PropertyInfo Property(object builder, string segment) =>
        builder.GetType().GetProperties().SingleOrDefault(p => p.GetIndexParameters().Length == 0 && GeneratedNames.Normalize(p.Name) == GeneratedNames.Normalize(segment))
        ?? throw new InvalidOperationException($"{builder.GetType().Name} has no request builder for '{segment}'.");

    private static PropertyInfo Indexer(object builder) =>
        builder.GetType().GetProperties().SingleOrDefault(p => p.GetIndexParameters() is [{ ParameterType: var t }] && t == typeof(string))
        ?? throw new InvalidOperationException($"{builder.GetType().Name} has no string indexer.");

}
