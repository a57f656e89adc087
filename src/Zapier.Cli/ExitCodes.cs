namespace Zapier.Cli;

/// <summary>The exit codes of <c>zapier</c>, as documented in <c>--help</c> and the README.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int RunFailed = 1;
    public const int WaitTimedOut = 2;
    public const int Refused = 3;
    public const int Unavailable = 4;
    public const int Usage = 64;       // EX_USAGE from sysexits.h
    public const int InternalError = 70;   // EX_SOFTWARE from sysexits.h: a bug in this tool, not a failure of the call
    public const int Cancelled = 130;  // 128 + SIGINT, what shells report for Ctrl+C

    /// <summary>The table printed at the end of the root command's description.</summary>
    public const string Help =
        "Exit codes:\n" +
        "  0    success\n" +
        "  1    the run ended in error, or with any final status other than success\n" +
        "  2    the wait timed out (the run goes on; resume with 'zapier runs watch <id>', except with --sandbox)\n" +
        "  3    the API refused the request (4xx: bad token, unknown action or run, ...)\n" +
        "  4    network or server failure (5xx, connection refused or reset, unusable answer)\n" +
        "  64   usage error (unknown command or option, bad value, no credentials)\n" +
        "  70   internal error (a bug in zapier; the message says what failed)\n" +
        "  130  cancelled with Ctrl+C (stops the wait, not the run)";
}
