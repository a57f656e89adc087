namespace Zapier.Client.Http;

/// <summary>Names of the schema's security schemes that the client knows how to satisfy.</summary>
internal static class SecuritySchemes
{
    /// <summary>A user or app access token sent as <c>Authorization: Bearer</c>.</summary>
    public const string OAuth = "OAuth";

    /// <summary>The partner's client id sent as the <c>client_id</c> query parameter.</summary>
    public const string ClientId = "ClientIDAuthentication";
}
