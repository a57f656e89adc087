using System.Globalization;
using System.Numerics;
using Zapier.Client.Generated.Models;

namespace Zapier.Client.ActionRuns.Inputs;

/// <summary>
/// Checks an <see cref="ActionRunRequest"/>'s inputs against the action's input fields
/// (<c>POST /v2/actions/{id}/inputs</c>) before the run is created: required fields, value types and the choices of
/// <c>SELECT</c> fields whose choices depend on no other input. What the client cannot judge (fieldsets, info fields,
/// unknown types, choices that depend on other inputs, inputs no field describes) passes unchecked.
/// </summary>
internal static class ActionInputValidator
{
    /// <summary>Re-fetches of the fields with the inputs given, for fields that change them (a chain such as spreadsheet, worksheet).</summary>
    public const int MaxRefetches = 5;

    /// <summary>Choices read for one field at the most; a field with more is not judged.</summary>
    public const int MaxChoices = 1000;

    public static async Task CheckAsync(ZapierClient client, InputFieldCache cache, ActionRunRequest request, CancellationToken cancellationToken)
    {
        var values = request.Inputs.ToDictionary(i => i.Key, i => InputValue.Of(i.Value), StringComparer.Ordinal);
        var fields = await FieldsAsync(client, cache, request, values, cancellationToken).ConfigureAwait(false);
        var problems = new List<ActionInputProblem>();
        foreach (var field in fields)
        {
            if (!Judged(field))
            {
                continue;
            }

            var key = field.Id!;
            var given = values.TryGetValue(key, out var value) && value.IsGiven;
            if (!given)
            {
                // A field whose own inputs are missing may not apply at all: only judge it once they are given.
                if (field.IsRequired == true && string.IsNullOrEmpty(field.DefaultValue)
                    && (field.DependsOn ?? []).All(d => values.TryGetValue(d, out var v) && v.IsGiven))
                {
                    problems.Add(new(key, ActionInputProblemKind.Missing, $"{Name(field)} is required."));
                }

                continue;
            }

            if (TypeProblem(field, value) is { } wrong)
            {
                problems.Add(new(key, ActionInputProblemKind.WrongType, wrong));
                continue;
            }

            if (field.Format == FormatEnum.Select && (field.DependsOn ?? []).Count == 0
                && await ChoiceProblemAsync(client, cache, request, field, value, cancellationToken).ConfigureAwait(false) is { } notAChoice)
            {
                problems.Add(new(key, ActionInputProblemKind.NotAChoice, notAChoice));
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidActionInputsException(request.Action, problems);
        }
    }

    /// <summary>
    /// The fields as the API describes them for the inputs given: first without inputs (cached per action and
    /// authentication); then, while fields that change the others (<c>invalidates_input_fields</c>, or named in a
    /// <c>depends_on</c>) have values, again with those values, as the API asks (cached per those values too).
    /// </summary>
    private static async Task<List<RootFieldsetEntry>> FieldsAsync(
        ZapierClient client, InputFieldCache cache, ActionRunRequest request, Dictionary<string, InputValue> values,
        CancellationToken cancellationToken)
    {
        var sent = new SortedDictionary<string, InputValue>(StringComparer.Ordinal);
        var fields = await LoadFieldsAsync(client, cache, request, sent, cancellationToken).ConfigureAwait(false);
        for (var round = 0; round < MaxRefetches; round++)
        {
            var all = fields.Concat(fields.SelectMany(f => f.Fields ?? [])).ToList();
            var drivers = all.Where(f => f.InvalidatesInputFields == true).Select(f => f.Id)
                .Concat(all.SelectMany(f => f.DependsOn ?? []))
                .OfType<string>()
                .Where(id => !sent.ContainsKey(id) && values.TryGetValue(id, out var v) && v.IsGiven)
                .Distinct(StringComparer.Ordinal)
                .ToList();
            if (drivers.Count == 0)
            {
                break;
            }

            foreach (var id in drivers)
            {
                sent[id] = values[id];
            }

            fields = await LoadFieldsAsync(client, cache, request, sent, cancellationToken).ConfigureAwait(false);
        }

        return fields;
    }

    private static Task<List<RootFieldsetEntry>> LoadFieldsAsync(
        ZapierClient client, InputFieldCache cache, ActionRunRequest request, SortedDictionary<string, InputValue> sent,
        CancellationToken cancellationToken)
    {
        var key = sent.Values.Any(v => v.Key is null)
            ? null
            : string.Join("\n", new[] { "fields", request.Action, request.Authentication ?? string.Empty }.Concat(sent.Select(s => s.Key + "=" + s.Value.Key)));
        return cache.GetAsync(key, async ct =>
        {
            var inputs = new ListInputFieldsInputs();
            foreach (var id in sent.Keys)
            {
                inputs.AdditionalData[id] = request.Inputs[id]!;
            }

            var data = new ListInputFieldsRequestData { Authentication = request.Authentication, Inputs = inputs };
            if (request.Authentication is null)
            {
                data.AdditionalData["authentication"] = null!; // required but nullable: Kiota leaves a null property out
            }

            var fields = new List<RootFieldsetEntry>();
            await foreach (var field in client.V2.Actions[request.Action].Inputs.ListAsync(new ListInputFieldsRequest { Data = data }, ct).ConfigureAwait(false))
            {
                fields.Add(field);
            }

            return fields;
        }, cancellationToken);
    }

    /// <summary>An input field (not an info field or a fieldset, whose inputs the client cannot place) that can be set.</summary>
    private static bool Judged(RootFieldsetEntry field) =>
        field.Fields is null && !string.IsNullOrEmpty(field.Id) && field.Format != FormatEnum.ReadOnly
        && (field.Type is null || string.Equals(field.Type, "input_field", StringComparison.OrdinalIgnoreCase));

    private static string Name(InputField field) =>
        string.IsNullOrWhiteSpace(field.Title) || field.Title == field.Id ? $"'{field.Id}'" : $"'{field.Id}' ({field.Title})";

    private static string? TypeProblem(InputField field, InputValue value)
    {
        if (field.ValueType is not { } type)
        {
            return null;
        }

        if (!Fits(type, value))
        {
            return $"{Name(field)} must be {Expected(type)}; the value given is {Described(type, value)}.";
        }

        if (type != ValueTypeEnum.Array || ItemType(field.Items) is not { } itemType)
        {
            return null;
        }

        for (var i = 0; i < value.Items!.Count; i++)
        {
            if (!Fits(itemType, value.Items[i]))
            {
                return $"{Name(field)} must be a list of items that are each {Expected(itemType)}; item {i + 1} is {Described(itemType, value.Items[i])}.";
            }
        }

        return null;
    }

    /// <summary>Whether a value can be sent as the type. Lenient where Zapier reads text: "42" is an integer, "yes" a boolean.</summary>
    private static bool Fits(ValueTypeEnum type, InputValue value) => value.Kind switch
    {
        InputKind.Unknown or InputKind.Null => true,
        _ => type switch
        {
            ValueTypeEnum.String => value.Kind is InputKind.Text or InputKind.Number or InputKind.Boolean,
            ValueTypeEnum.Integer => value.Kind is InputKind.Text or InputKind.Number && IsInteger(value.Text!),
            ValueTypeEnum.Number => value.Kind is InputKind.Number
                || (value.Kind == InputKind.Text && double.TryParse(value.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)),
            ValueTypeEnum.Boolean => value.Kind == InputKind.Boolean
                || (value.Kind is InputKind.Text or InputKind.Number && BooleanTexts.Contains(value.Text!.Trim())),
            ValueTypeEnum.Array => value.Kind == InputKind.List,
            ValueTypeEnum.Object => value.Kind == InputKind.Object,
            _ => true,
        },
    };

    private static readonly HashSet<string> BooleanTexts = new(["true", "false", "yes", "no", "1", "0"], StringComparer.OrdinalIgnoreCase);

    private static bool IsInteger(string text) =>
        BigInteger.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
        || (decimal.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number == decimal.Truncate(number));

    private static string Expected(ValueTypeEnum type) => type switch
    {
        ValueTypeEnum.String => "text",
        ValueTypeEnum.Integer => "an integer",
        ValueTypeEnum.Number => "a number",
        ValueTypeEnum.Boolean => "true or false",
        ValueTypeEnum.Array => "a list",
        _ => "an object",
    };

    private static string Described(ValueTypeEnum expected, InputValue value) => value.Kind switch
    {
        InputKind.Text => "text that does not read as " + Expected(expected),
        InputKind.Number => expected == ValueTypeEnum.Integer ? "a number with a fraction" : "a number",
        InputKind.Boolean => "true or false",
        InputKind.List => "a list",
        _ => "an object",
    };

    /// <summary>An ARRAY field's item type, when its <c>items</c> name one (<c>{"type": "INTEGER"}</c>).</summary>
    private static ValueTypeEnum? ItemType(InputFieldItems? items) =>
        items?.AdditionalData is { } data && data.TryGetValue("type", out var type) && type is string name
            && Enum.GetValues<ValueTypeEnum>().Where(v => string.Equals(v.ToString(), name, StringComparison.OrdinalIgnoreCase)).ToList() is [var known]
            ? known
            : null;

    private static async Task<string?> ChoiceProblemAsync(
        ZapierClient client, InputFieldCache cache, ActionRunRequest request, InputField field, InputValue value, CancellationToken cancellationToken)
    {
        var choices = await ChoicesAsync(client, cache, request, field.Id!, cancellationToken).ConfigureAwait(false);
        if (choices.Allowed is not { Count: > 0 } allowed)
        {
            return null;
        }

        var items = value.Kind == InputKind.List ? value.Items! : [value];
        for (var i = 0; i < items.Count; i++)
        {
            // Only texts, numbers and booleans compare with a choice; anything else passes unjudged.
            if (items[i].Kind is InputKind.Text or InputKind.Number or InputKind.Boolean && !allowed.Contains(items[i].Text!))
            {
                var which = value.Kind == InputKind.List ? $"item {i + 1} is not" : "the value given is not";
                var shown = string.Join(", ", choices.Shown) + (choices.Count > choices.Shown.Count ? ", …" : string.Empty);
                return $"{Name(field)} must be one of its {choices.Count} choices ({shown}); {which}.";
            }
        }

        return null;
    }

    private static Task<Choices> ChoicesAsync(
        ZapierClient client, InputFieldCache cache, ActionRunRequest request, string field, CancellationToken cancellationToken) =>
        cache.GetAsync(string.Join("\n", "choices", request.Action, request.Authentication ?? string.Empty, field), async ct =>
        {
            var parameters = new ChoiceParams { Authentication = request.Authentication, Inputs = new ChoiceInputs() };
            if (request.Authentication is null)
            {
                parameters.AdditionalData["authentication"] = null!;
            }

            var allowed = new HashSet<string>(StringComparer.Ordinal);
            var shown = new List<string>();
            var count = 0;
            var options = new ZapierListOptions { MaxItems = MaxChoices + 1 };
            await foreach (var choice in client.V2.Actions[request.Action].Inputs[field].Choices
                .ListAsync(new ChoiceRequest { Data = parameters }, null, options, ct).ConfigureAwait(false))
            {
                count++;
                foreach (var text in new[] { choice.Value, choice.Id }.OfType<string>())
                {
                    allowed.Add(text);
                }

                if (shown.Count < 5 && (choice.Value ?? choice.Id) is { } example)
                {
                    shown.Add(example);
                }
            }

            return new Choices(count > MaxChoices ? null : allowed, count, shown);
        }, cancellationToken);

    /// <summary>A field's choices: the values (and ids) accepted, or null when there were too many to judge; a few to show.</summary>
    private sealed record Choices(HashSet<string>? Allowed, int Count, IReadOnlyList<string> Shown);
}
