namespace Zapier.Client.Authentication;

/// <summary>
/// An authorization URL to send the user's browser to, with what the callback needs: keep <see cref="State"/> (and
/// <see cref="CodeVerifier"/>, when PKCE is used) in the user's session, compare the <c>state</c> the callback brings
/// with it, then exchange the code with <see cref="ZapierOAuthClient.ExchangeCodeAsync"/>.
/// </summary>
/// <param name="Url">The URL to redirect the browser to.</param>
/// <param name="State">The random value the callback must bring back unchanged (it guards against forged callbacks).</param>
/// <param name="CodeVerifier">The PKCE verifier to send with the code exchange, or null when PKCE was not requested.</param>
public sealed record ZapierAuthorizationRequest(Uri Url, string State, string? CodeVerifier)
{
    /// <summary>Lists the request without the state and the verifier, so that logging it cannot give them away.</summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Url = ").Append(Url.GetLeftPart(UriPartial.Path)).Append(", State = [redacted], CodeVerifier = ")
            .Append(CodeVerifier is null ? "null" : "[redacted]");
        return true;
    }
}
