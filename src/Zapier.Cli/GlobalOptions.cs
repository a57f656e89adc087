using System.CommandLine;

namespace Zapier.Cli;

/// <summary>The options every command takes: where to connect and with which credentials.</summary>
internal sealed class GlobalOptions
{
    /// <summary>The environment variable holding the access token.</summary>
    public const string TokenVariable = "ZAPIER_ACCESS_TOKEN";

    /// <summary>The environment variable <c>--base-url</c> defaults to (as in the demo).</summary>
    public const string BaseUrlVariable = "ZAPIER_BASE_URL";

    public Option<bool> Sandbox { get; } = new("--sandbox")
    {
        Description = "Run against a local fake of the Partner API with demo data (app 'demo', actions demo:send-email, " +
                      "demo:always-fails, demo:never-finishes, demo:find-contact); nothing is sent to Zapier and no credentials are needed.",
        Recursive = true,
    };

    public Option<string> TokenFile { get; } = new("--token-file")
    {
        Description = $"Read the access token from this file instead of the {TokenVariable} environment variable.",
        HelpName = "FILE",
        Recursive = true,
    };

    public Option<Uri> BaseUrl { get; } = new("--base-url")
    {
        Description = $"Send requests here instead of https://api.zapier.com (https, or http on loopback); default: {BaseUrlVariable} if set.",
        HelpName = "URL",
        Recursive = true,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (ParseBaseUrl(text, "--base-url", out var error) is { } url)
            {
                return url;
            }

            result.AddError(error);
            return null;
        },
    };

    public void AddTo(Command root)
    {
        root.Options.Add(Sandbox);
        root.Options.Add(TokenFile);
        root.Options.Add(BaseUrl);
    }

    /// <summary>The connection the options ask for; a <see cref="UsageException"/> when there are no usable credentials.</summary>
    public ConnectionSettings Resolve(ParseResult parse, CliHost host)
    {
        var baseUrl = parse.GetValue(BaseUrl);
        if (parse.GetValue(Sandbox))
        {
            if (baseUrl is not null)
            {
                throw new UsageException("--sandbox and --base-url cannot be combined: the sandbox has its own address.");
            }

            return new ConnectionSettings(true, null, null, host.Time);
        }

        string? token;
        if (parse.GetValue(TokenFile) is { } file)
        {
            try
            {
                token = File.ReadAllText(file).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"Cannot read --token-file '{file}': {e.Message}");
            }

            if (token.Length == 0)
            {
                throw new UsageException($"--token-file '{file}' is empty.");
            }
        }
        else
        {
            token = host.Environment(TokenVariable)?.Trim();
            if (string.IsNullOrEmpty(token))
            {
                throw new UsageException(
                    $"No access token: set {TokenVariable}, or pass --token-file FILE. To try the tool without an account, add --sandbox.");
            }
        }

        if (baseUrl is null && host.Environment(BaseUrlVariable) is { Length: > 0 } fromEnvironment)
        {
            baseUrl = ParseBaseUrl(fromEnvironment.Trim(), BaseUrlVariable, out var error) ?? throw new UsageException(error);
        }

        return new ConnectionSettings(false, token, baseUrl, host.Time);
    }

    /// <summary>An absolute http(s) URL without user info, or null and what is wrong (never echoing a password).</summary>
    private static Uri? ParseBaseUrl(string text, string source, out string error)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            error = $"{source} '{text}' is not an absolute http(s) URL.";
            return null;
        }

        if (url.UserInfo.Length > 0)
        {
            // It would be sent nowhere useful and echoed in the resume command; the token has its own ways in.
            error = $"{source} must not contain a user name or password (user:password@host); the token comes from {TokenVariable} or --token-file.";
            return null;
        }

        error = "";
        return url;
    }

    /// <summary>The command that resumes waiting on run <paramref name="id"/> with the same connection (never the token).</summary>
    public string ResumeCommand(ParseResult parse, string id)
    {
        var command = $"zapier runs watch {Quote(id)}";
        if (parse.GetValue(BaseUrl) is { } url)
        {
            command += $" --base-url {Quote(url.OriginalString)}";
        }

        if (parse.GetValue(TokenFile) is { } file)
        {
            command += $" --token-file {Quote(file)}";
        }

        return command;
    }

    private static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '/' or '@')
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
