using System.Collections.Concurrent;

namespace Zapier.Client.Authentication;

/// <summary>
/// Where users' tokens are kept, by your user id: plug in your database (encrypt the tokens at rest). The default,
/// <see cref="InMemoryZapierTokenStore"/>, forgets them when the process ends.
/// </summary>
public interface IZapierTokenStore
{
    /// <summary>The user's tokens, or null when the user has not authorized yet (or was removed).</summary>
    ValueTask<ZapierTokenSet?> GetAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Keeps the user's tokens, replacing any earlier ones.</summary>
    ValueTask SaveAsync(string userId, ZapierTokenSet tokens, CancellationToken cancellationToken);

    /// <summary>Forgets the user's tokens (for example once Zapier refused their refresh token).</summary>
    ValueTask RemoveAsync(string userId, CancellationToken cancellationToken);
}

/// <summary>An <see cref="IZapierTokenStore"/> in this process's memory (tests, single-instance apps).</summary>
public sealed class InMemoryZapierTokenStore : IZapierTokenStore
{
    private readonly ConcurrentDictionary<string, ZapierTokenSet> _tokens = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<ZapierTokenSet?> GetAsync(string userId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_tokens.TryGetValue(userId, out var tokens) ? tokens : null);

    /// <inheritdoc />
    public ValueTask SaveAsync(string userId, ZapierTokenSet tokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        _tokens[userId] = tokens;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RemoveAsync(string userId, CancellationToken cancellationToken)
    {
        _tokens.TryRemove(userId, out _);
        return ValueTask.CompletedTask;
    }
}
