namespace Zapier.Client.ActionRuns;

/// <summary>What is wrong with one input, found by <see cref="ActionRunRequest.ValidateInputs"/>.</summary>
public enum ActionInputProblemKind
{
    /// <summary>A required field has no value (and no default value).</summary>
    Missing,

    /// <summary>The value is not of the field's <c>value_type</c> (for a list: an item is not of its items' type).</summary>
    WrongType,

    /// <summary>The value is not one of the choices of a <c>SELECT</c> field.</summary>
    NotAChoice,
}

/// <summary>One problem with one input: its field key, what is wrong, and a sentence saying so (never the value itself).</summary>
/// <param name="Field">The input field's key (its <c>id</c>, the key in <see cref="ActionRunRequest.Inputs"/>).</param>
/// <param name="Kind">What is wrong.</param>
/// <param name="Message">A sentence naming the field and the rule it breaks.</param>
public sealed record ActionInputProblem(string Field, ActionInputProblemKind Kind, string Message);

/// <summary>
/// The inputs of an <see cref="ActionRunRequest"/> with <see cref="ActionRunRequest.ValidateInputs"/> break the
/// action's input fields; nothing was created. Lists every problem found, not only the first.
/// </summary>
public sealed class InvalidActionInputsException : ArgumentException
{
    internal InvalidActionInputsException(string action, IReadOnlyList<ActionInputProblem> problems)
        : base(
            $"The inputs for action '{action}' do not match its input fields ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}): " +
            string.Join(" ", problems.Select(p => p.Message)) + " No run was created.",
            nameof(ActionRunRequest.Inputs))
    {
        Action = action;
        Problems = problems;
    }

    /// <summary>The action whose input fields the inputs were checked against.</summary>
    public string Action { get; }

    /// <summary>Every problem found, in the order of the action's fields.</summary>
    public IReadOnlyList<ActionInputProblem> Problems { get; }
}
