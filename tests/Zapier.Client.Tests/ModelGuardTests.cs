using System.Reflection;
using System.Runtime.Serialization;
using System.Text.Json.Nodes;
using Microsoft.Kiota.Abstractions.Serialization;
using Zapier.Client.Generated.Models;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests;

/// <summary>
/// Guards against silent model loss: every component of the effective schema must have a generated type that can hold
/// all of its properties (or all of its enum values). A name collision such as _ActionRunResponse/ActionRunResponse
/// compiles cleanly and loses every field; this is where it shows.
/// </summary>
public sealed class ModelGuardTests
{
    public static TheoryData<string> Components()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _) in ApiSchema.Effective.Components)
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Components))]
    public void Every_component_has_a_generated_type_that_holds_all_its_properties(string component)
    {
        var schema = ApiSchema.Effective.Resolve(ApiSchema.Effective.Components[component])!;
        if (schema["enum"] is JsonArray values)
        {
            var enumType = Assert.Single(GeneratedNames.Models, t => t.IsEnum && GeneratedNames.Normalize(t.Name) == GeneratedNames.Normalize(component));
            var members = enumType.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Select(f => f.GetCustomAttribute<EnumMemberAttribute>()?.Value ?? f.Name).ToHashSet();
            Assert.All(values.Select(v => (string)v!), v => Assert.Contains(v, members));
            return;
        }

        if ((schema["anyOf"] ?? schema["oneOf"]) is JsonArray alternatives)
        {
            // An object-or-id union: Kiota's wrapper needs a property for each alternative.
            var wrapper = GeneratedNames.ModelFor(component);
            Assert.True(typeof(IComposedTypeWrapper).IsAssignableFrom(wrapper), $"{wrapper.Name} is not a composed type wrapper");
            var propertyTypes = wrapper.GetProperties().Select(p => Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType).ToList();
            Assert.All(alternatives, alternative => Assert.Contains(propertyTypes, t => ApiSchema.RefName(alternative) is { } name
                ? t == GeneratedNames.ModelFor(name)
                : GeneratedNames.Normalize(t.Name) == GeneratedNames.Normalize((string)alternative!["type"]!)));
            return;
        }

        var declared = KiotaModelJson.DeclaredProperties(schema).Select(p => p.Key).ToList();
        if (declared.Count == 0)
        {
            // Arrays of a referenced type and free-form objects ("type" may be [object, null]) hold no declared fields.
            Assert.True(schema["type"] is JsonArray || (string?)schema["type"] == "array" || schema["additionalProperties"] is not null,
                $"{component} declares no properties and is not an array or a free-form object");
            return;
        }

        var type = GeneratedNames.ModelFor(component);
        var model = (IParsable)Activator.CreateInstance(type)!;
        var fields = model.GetFieldDeserializers().Keys.ToHashSet(StringComparer.Ordinal);
        var missing = declared.Where(p => !fields.Contains(p)).ToList();
        Assert.True(missing.Count == 0, $"{type.Name} cannot read {component}'s properties: {string.Join(", ", missing)}");
    }

    [Fact]
    public void The_seed_example_of_a_retrieved_run_parses_to_typed_values()
    {
        var example = ApiSchema.Effective.Root["paths"]!["/v2/action-runs/{id}"]!["get"]!["responses"]!["200"]!
            ["content"]!["application/json"]!["examples"]!["RetrievingARun"]!["value"]!;

        var parsed = (ActionRunResponse)KiotaJson.Parse(typeof(ActionRunResponse), example.ToJsonString());

        Assert.NotNull(parsed.Data);
        Assert.Equal(ActionRunResponseStatusEnum.Success, parsed.Data.Status);
        Assert.Equal(RunTypeEnum.Run, parsed.Data.Type);
        Assert.NotNull(parsed.Data.Errors);
        Assert.Empty(parsed.Data.Errors);
        var result = Assert.Single(parsed.Data.Results!);
        Assert.Equal(123m, Assert.IsType<decimal>(result.AdditionalData["id"]));
        Assert.DoesNotContain("status", parsed.Data.AdditionalData.Keys);
    }

}
