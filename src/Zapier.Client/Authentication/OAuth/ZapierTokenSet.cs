namespace Zapier.Client.Authentication;

/// <summary>What Zapier's token endpoint issued for a user (or for the app): kept in an <see cref="IZapierTokenStore"/>.</summary>
public sealed record ZapierTokenSet
{
    /// <summary>The bearer token for API requests.</summary>
    public required string AccessToken { get; init; }

    /// <summary>The refresh token, if Zapier issued one (not documented either way: handled both with and without).</summary>
    public string? RefreshToken { get; init; }

    /// <summary>When the access token expires, if Zapier said (<c>expires_in</c>); null means no known expiry.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The granted scopes, space-separated, if Zapier said.</summary>
    public string? Scope { get; init; }

    /// <summary>Lists the set without its secrets, so that logging it cannot leak a token.</summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("AccessToken = [redacted], RefreshToken = ").Append(RefreshToken is null ? "null" : "[redacted]")
            .Append(", ExpiresAt = ").Append(ExpiresAt?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "null")
            .Append(", Scope = ").Append(Scope ?? "null");
        return true;
    }
}
