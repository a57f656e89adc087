namespace Zapier.Client.Authentication;

/// <summary>
/// The credential of one user of a shared client (<see cref="ZapierClient.ForUser(string)"/>): how to get the
/// user's token, how to renew it after Zapier rejects it, and the key that gives the user a lane in the budget.
/// </summary>
/// <param name="key">Identifies the user (the user id, or the token itself); equal keys share one budget lane.</param>
/// <param name="token">Returns the user's current access token.</param>
/// <param name="renew">Returns a fresh token after a 401 for the given one, or null when none can be had; null when the source cannot renew.</param>
internal sealed class ZapierUserCredential(
    object key, Func<CancellationToken, ValueTask<string>> token, Func<string, CancellationToken, ValueTask<string?>>? renew)
{
    public object Key { get; } = key;

    public Func<CancellationToken, ValueTask<string>> Token { get; } = token;

    public Func<string, CancellationToken, ValueTask<string?>>? Renew { get; } = renew;
}
