using Zapier.Client.Generated.Models;

namespace Zapier.Client.Testing;

/// <summary>An app of the sandbox, listed by <c>GET /v2/apps</c>.</summary>
public sealed class SandboxApp
{
    internal SandboxApp(Guid id, string key, string title)
    {
        Id = id;
        Key = key;
        Title = title;
    }

    /// <summary>The app's canonical id: what <c>GET /v2/actions?app=</c> and <c>GET /v2/authentications?app=</c> take.</summary>
    public Guid Id { get; }

    /// <summary>A short name (for example <c>demo</c>); the sandbox also accepts it in place of <see cref="Id"/> in <c>app=</c>.</summary>
    public string Key { get; }

    /// <summary>The app's display name.</summary>
    public string Title { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Key} ({Id})";
}

/// <summary>An action of the sandbox: listed by <c>GET /v2/actions</c>, run by <c>POST /v2/action-runs</c> following its <see cref="Script"/>.</summary>
public sealed class SandboxAction
{
    internal SandboxAction(string id, SandboxApp app, ActionType type, string title, string description, ActionRunScript script)
    {
        Id = id;
        App = app;
        Type = type;
        Title = title;
        Description = description;
        Script = script;
    }

    /// <summary>The action's id, sent as <c>data.action</c> of a create (for example <c>demo:send-email</c>).</summary>
    public string Id { get; }

    /// <summary>The app the action belongs to.</summary>
    public SandboxApp App { get; }

    /// <summary>Listed as <c>action_type</c> (<c>WRITE</c>, <c>READ</c>, ...).</summary>
    public ActionType Type { get; }

    /// <summary>The action's title.</summary>
    public string Title { get; }

    /// <summary>The action's description.</summary>
    public string Description { get; }

    /// <summary>How runs of this action go; add steps to it at any time before they are polled.</summary>
    public ActionRunScript Script { get; }

    /// <inheritdoc />
    public override string ToString() => Id;
}

/// <summary>An authentication (a connected account) of the sandbox, listed by <c>GET /v2/authentications</c>.</summary>
public sealed class SandboxAuthentication
{
    internal SandboxAuthentication(string id, SandboxApp app, string title, bool isExpired)
    {
        Id = id;
        App = app;
        Title = title;
        IsExpired = isExpired;
    }

    /// <summary>The id, sent as <c>data.authentication</c> of a create.</summary>
    public string Id { get; }

    /// <summary>The app the authentication is for.</summary>
    public SandboxApp App { get; }

    /// <summary>The authentication's title.</summary>
    public string Title { get; }

    /// <summary>Listed as <c>is_expired</c>. A create with an expired authentication is still accepted (Zapier reports such problems in the run).</summary>
    public bool IsExpired { get; }

    /// <inheritdoc />
    public override string ToString() => Id;
}

/// <summary>A run created through the sandbox's API.</summary>
public sealed class SandboxRun
{
    private int _polls;

    internal SandboxRun(string id, SandboxAction action, Uri? callbackUrl)
    {
        Id = id;
        Action = action;
        CallbackUrl = callbackUrl;
    }

    /// <summary>The run's id, as the create answered it.</summary>
    public string Id { get; }

    /// <summary>The action the run belongs to; its script decides each poll's answer.</summary>
    public SandboxAction Action { get; }

    /// <summary>The <c>callback_url</c> the create gave, if any.</summary>
    public Uri? CallbackUrl { get; }

    /// <summary>Polls answered so far (faults included).</summary>
    public int Polls => Volatile.Read(ref _polls);

    /// <summary>The status the last poll answered (null before the first poll, or when it was a fault).</summary>
    public string? LastStatus { get; private set; }

    internal ScriptStep NextStep()
    {
        var index = Interlocked.Increment(ref _polls) - 1;
        var step = Action.Script.StepForPoll(index);
        LastStatus = step.RunStatus;
        return step;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Id} ({Action.Id})";
}
