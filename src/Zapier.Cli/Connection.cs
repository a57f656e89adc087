using Zapier.Client;
using Zapier.Client.ActionRuns;
using Zapier.Client.Testing;

namespace Zapier.Cli;

/// <summary>Where a command's client comes from; the seam that <c>--sandbox</c> and the tests plug into.</summary>
internal interface IZapierConnector
{
    /// <summary>Makes a client for <paramref name="settings"/>; the connection owns it (and the sandbox, if any).</summary>
    ZapierConnection Connect(ConnectionSettings settings);
}

/// <summary>What the global options resolved to.</summary>
/// <param name="Sandbox">Run against the embedded fake of the Partner API.</param>
/// <param name="AccessToken">The token (null with the sandbox, which brings its own).</param>
/// <param name="BaseUrl">Where to send requests; null for Zapier's.</param>
/// <param name="Time">The clock the client waits on.</param>
internal sealed record ConnectionSettings(bool Sandbox, string? AccessToken, Uri? BaseUrl, TimeProvider Time)
{
    /// <summary>Never prints the token.</summary>
    public override string ToString() => $"{nameof(ConnectionSettings)} {{ Sandbox = {Sandbox}, BaseUrl = {BaseUrl} }}";
}

/// <summary>A client and whatever must live as long as it (the sandbox server).</summary>
internal sealed class ZapierConnection(ZapierClient client, string? banner = null, IDisposable? owner = null) : IDisposable
{
    /// <summary>The client to call.</summary>
    public ZapierClient Client { get; } = client;

    /// <summary>Printed on stderr before the command runs (the sandbox says so), or null.</summary>
    public string? Banner { get; } = banner;

    /// <summary>True against the embedded sandbox, whose runs end with the command (so nothing can resume them).</summary>
    public bool IsSandbox { get; init; }

    /// <summary>How waits poll (the client's defaults against Zapier; a quicker pace against the sandbox).</summary>
    public ActionRunWaitOptions WaitOptions { get; init; } = ActionRunWaitOptions.Default;

    /// <inheritdoc />
    public void Dispose()
    {
        Client.Dispose();
        owner?.Dispose();
    }
}

/// <summary>The real connector: Zapier (or <c>--base-url</c>) with the given token, or the sandbox.</summary>
internal sealed class ZapierConnector : IZapierConnector
{
    /// <summary>
    /// Polls of a sandbox run: the demo's runs end after a few polls, so a quicker start than Zapier's 1.3 s keeps
    /// <c>run demo:send-email --sandbox --wait</c> to about 2.5 s while the status line still shows each poll.
    /// </summary>
    internal static readonly ActionRunWaitOptions SandboxWaiting = ActionRunWaitOptions.Default with
    {
        InitialDelay = TimeSpan.FromSeconds(0.5),
        MaxDelay = TimeSpan.FromSeconds(2),
        MinimumInterval = TimeSpan.FromSeconds(0.2),
        Jitter = 0,   // one run at a time: nothing to spread, and the demo's output stays the same
    };

    /// <inheritdoc />
    public ZapierConnection Connect(ConnectionSettings settings)
    {
        var options = new ZapierClientOptions { TimeProvider = settings.Time };
        if (settings.Sandbox)
        {
            return ConnectToSandbox(options);
        }

        if (settings.BaseUrl is not null)
        {
            options.BaseUrl = settings.BaseUrl;
        }

        try
        {
            return new ZapierConnection(new ZapierClient(settings.AccessToken!, options));
        }
        catch (ArgumentException e) when (e.ParamName == nameof(ZapierClientOptions.BaseUrl))
        {
            // e.g. an http base URL that is not loopback. The client's message names its own option (BaseUrl), which
            // means nothing on the command line: say --base-url, and leave out ArgumentException's "(Parameter ...)".
            var problem = e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
            throw new UsageException(problem.StartsWith(e.ParamName, StringComparison.Ordinal)
                ? "--base-url" + problem[e.ParamName.Length..]
                : $"--base-url: {problem}");
        }
    }

    private static ZapierConnection ConnectToSandbox(ZapierClientOptions options)
    {
        var sandbox = ZapierSandbox.StartWithDemoData();
        try
        {
            var banner =
                $"SANDBOX: using a local fake of the Partner API at {sandbox.BaseUrl} with demo data (app '{SandboxDemo.AppKey}'); " +
                "nothing is sent to Zapier, and its runs last only as long as this command.";
            return new ZapierConnection(sandbox.CreateClient(options), banner, sandbox) { WaitOptions = SandboxWaiting, IsSandbox = true };
        }
        catch
        {
            sandbox.Dispose();
            throw;
        }
    }
}
