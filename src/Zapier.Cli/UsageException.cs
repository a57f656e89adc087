namespace Zapier.Cli;

/// <summary>The command line asks for something that cannot be done as given; exits with <see cref="ExitCodes.Usage"/>.</summary>
internal sealed class UsageException(string message) : Exception(message);
