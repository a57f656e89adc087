using System.Net;
using Microsoft.IdentityModel.Tokens;

namespace Zapier.Client.AspNetCore;

/// <summary>
/// How the action-run callback receiver verifies Zapier's callbacks. Zapier signs each callback with a JWT in the
/// <c>Zapier-Callback-Signature</c> header; the keys to verify it come from <see cref="JwksUrl"/> (Zapier's JWKS, which
/// Zapier's documentation mentions without giving its address) or from <see cref="Jwks"/>. Exactly one must be set.
/// </summary>
public sealed class ZapierActionRunCallbackOptions
{
    /// <summary>
    /// The signature algorithms accepted when <see cref="ValidAlgorithms"/> is null: RS256 and the other asymmetric JWS
    /// algorithms (RSA PKCS#1, RSA-PSS, ECDSA). Zapier's documentation does not name its algorithm; each of these
    /// verifies only with a public key from the JWKS, so accepting them opens no way to forge. Symmetric (HS*) and
    /// unsigned (<c>none</c>) tokens are always refused.
    /// </summary>
    public static IReadOnlyList<string> DefaultAlgorithms { get; } =
        ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

    /// <summary>
    /// Zapier's JWKS address. The keys are fetched on the first callback, kept, fetched again after
    /// <see cref="JwksRefreshInterval"/>, and on a token whose <c>kid</c> they do not have (at most once per
    /// <see cref="JwksRefreshFloor"/>). Must be https (http only for a loopback host, for tests).
    /// </summary>
    public Uri? JwksUrl { get; set; }

    /// <summary>A JWKS document (<c>{"keys":[…]}</c>) to verify with instead of fetching one; never refreshed.</summary>
    public string? Jwks { get; set; }

    /// <summary>How long fetched keys are used before they are fetched again; 24 hours by default.</summary>
    public TimeSpan JwksRefreshInterval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Least time between two fetches of the JWKS (after an unknown <c>kid</c> or a failed fetch), so forged tokens
    /// cannot make the receiver hammer the JWKS host; 5 minutes by default.
    /// </summary>
    public TimeSpan JwksRefreshFloor { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The least <see cref="JwksRefreshFloor"/> accepted.</summary>
    public static readonly TimeSpan MinimumRefreshFloor = TimeSpan.FromSeconds(10);

    /// <summary>The accepted <c>alg</c> values; null means <see cref="DefaultAlgorithms"/>. HS* and <c>none</c> cannot be listed.</summary>
    public IList<string>? ValidAlgorithms { get; set; }

    /// <summary>
    /// The <c>iss</c> the token must carry, or null (the default) to not check it: Zapier does not publish the issuer
    /// of its callback tokens, and the signature with a key from Zapier's JWKS already says who signed.
    /// </summary>
    public string? ValidIssuer { get; set; }

    /// <summary>The <c>aud</c> the token must carry, or null (the default) to not check it: Zapier does not publish one.</summary>
    public string? ValidAudience { get; set; }

    /// <summary>Tolerance for the clocks of Zapier and this server when checking <c>exp</c> and <c>iat</c>; 30 s by default.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest callback body read, 1 MB by default; a larger one is answered 413 and not read.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    internal IReadOnlyList<string> Algorithms => ValidAlgorithms is { } listed ? [.. listed] : DefaultAlgorithms;

    /// <summary>Every problem with these settings, as sentences naming the setting; empty when they are usable.</summary>
    internal List<string> Problems()
    {
        var problems = new List<string>();
        if ((JwksUrl is null) == (Jwks is null))
        {
            problems.Add("Set exactly one of JwksUrl (Zapier's JWKS address) and Jwks (a JWKS document).");
        }

        if (JwksUrl is { } url)
        {
            var loopback = url.IsAbsoluteUri && (url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip)));
            if (!url.IsAbsoluteUri || !(url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && loopback)))
            {
                problems.Add($"JwksUrl '{url}' must be an absolute https URL (http only for a loopback host).");
            }
        }

        if (Jwks is { } document)
        {
            try
            {
                if (new JsonWebKeySet(document).GetSigningKeys().Count == 0)
                {
                    problems.Add("Jwks has no signing key this receiver can use.");
                }
            }
            catch (ArgumentException e)
            {
                problems.Add($"Jwks is not a JWKS document: {e.Message}");
            }
        }

        if (Algorithms.Count == 0)
        {
            problems.Add("ValidAlgorithms is empty; leave it null for the defaults.");
        }

        foreach (var algorithm in Algorithms.Where(a => !DefaultAlgorithms.Contains(a, StringComparer.Ordinal)))
        {
            problems.Add($"ValidAlgorithms lists '{algorithm}'; only asymmetric signatures ({string.Join(", ", DefaultAlgorithms)}) can verify a token signed with Zapier's private key.");
        }

        if (ClockSkew < TimeSpan.Zero || ClockSkew > TimeSpan.FromMinutes(5))
        {
            problems.Add($"ClockSkew must be between 0 and 5 minutes (a callback token is valid for 5 minutes); it is {ClockSkew}.");
        }

        if (JwksRefreshInterval <= TimeSpan.Zero || JwksRefreshFloor < MinimumRefreshFloor || JwksRefreshFloor > JwksRefreshInterval)
        {
            problems.Add($"JwksRefreshInterval must be positive and JwksRefreshFloor between {MinimumRefreshFloor.TotalSeconds:0} s and it " +
                $"(a lower floor lets forged key ids turn into a flood of fetches); they are {JwksRefreshInterval} and {JwksRefreshFloor}.");
        }

        if (MaxBodyBytes < 1024 || MaxBodyBytes > Array.MaxLength)
        {
            problems.Add($"MaxBodyBytes must be at least 1024 and at most {Array.MaxLength}; it is {MaxBodyBytes}.");
        }

        return problems;
    }
}
