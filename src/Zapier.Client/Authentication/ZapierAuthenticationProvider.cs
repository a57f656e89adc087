using System.Collections.Concurrent;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Zapier.Client.Errors;
using Zapier.Client.Http;

namespace Zapier.Client.Authentication;

/// <summary>
/// Adds credentials per operation, as the schema's security says: the bearer token for OAuth operations, the
/// <c>client_id</c> query parameter for Client ID operations, nothing for operations without security. Credentials
/// only go to the configured scheme, host and port.
/// </summary>
internal sealed class ZapierAuthenticationProvider(
    Uri baseUrl, Func<CancellationToken, ValueTask<string>>? accessToken, string? clientId) : IAuthenticationProvider
{
    private const string ClientIdParameter = "client_id";

    // The schemes to satisfy depend only on the operation and on which credentials the call has: choose once for
    // calls with the client's own credentials, once for calls of a user's view (which always bring a token).
    private readonly ConcurrentDictionary<OperationEntry, string[]> _chosen = new();
    private readonly ConcurrentDictionary<OperationEntry, string[]> _chosenForUser = new();

    public async Task AuthenticateRequestAsync(
        RequestInformation request, Dictionary<string, object>? additionalAuthenticationContext = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var template = request.UrlTemplate ?? string.Empty;
        var call = request.GetRequestOption<ZapierCallContext>();
        var operation = call?.Operation ?? OperationCatalog.Find(request);
        var user = call?.User;
        var tokens = user?.Token ?? accessToken;

        // Operations such as create-zap-guess declare client_id as an ordinary query parameter: fill it if left unset.
        if (clientId is not null && template.Contains(ClientIdParameter, StringComparison.Ordinal)
            && !request.QueryParameters.ContainsKey(ClientIdParameter))
        {
            request.QueryParameters[ClientIdParameter] = clientId;
        }

        if (!GoesToConfiguredOrigin(request))
        {
            return;
        }

        var chosen = user is null ? _chosen : _chosenForUser;
        var schemes = operation is null ? Choose(null, tokens is not null)
            : chosen.TryGetValue(operation, out var known) ? known
            : chosen.GetOrAdd(operation, static (o, state) => state.Provider.Choose(o, state.HasToken), (Provider: this, HasToken: tokens is not null));
        foreach (var scheme in schemes)
        {
            if (scheme == SecuritySchemes.OAuth)
            {
                var token = await tokens!(cancellationToken).ConfigureAwait(false);
                if (string.IsNullOrWhiteSpace(token))
                {
                    throw new ZapierCredentialsException(
                        operation?.OperationId ?? template, "The access token provider returned an empty token.");
                }

                request.Headers.Remove("Authorization");
                request.Headers.Add("Authorization", "Bearer " + token);
            }
            else if (scheme == SecuritySchemes.ClientId && !HasQueryParameter(request.URI, ClientIdParameter))
            {
                request.URI = AppendQuery(request.URI, ClientIdParameter, clientId!);
            }
        }
    }

    /// <summary>The schemes to satisfy: the first alternative, in schema order, whose credentials are configured.</summary>
    private string[] Choose(OperationEntry? operation, bool hasToken)
    {
        if (operation is null)
        {
            // A request the schema does not describe (e.g. a raw URL): bearer token when there is one.
            return hasToken ? [SecuritySchemes.OAuth] : [];
        }

        if (operation.SecurityAlternatives.Length == 0)
        {
            return [];
        }

        foreach (var alternative in operation.SecurityAlternatives)
        {
            if (alternative.All(r => IsAvailable(r.Scheme, hasToken)))
            {
                return [.. alternative.Select(r => r.Scheme)];
            }
        }

        var needs = string.Join(" or ", operation.SecurityAlternatives.Select(a => string.Join(" and ", a.Select(r => Describe(r.Scheme)))));
        throw new ZapierCredentialsException(
            operation.OperationId,
            $"Operation '{operation.OperationId}' ({operation.Method} {operation.PathTemplate}) needs {needs}, which this client was not given.");
    }

    private bool IsAvailable(string scheme, bool hasToken) => scheme switch
    {
        SecuritySchemes.OAuth => hasToken,
        SecuritySchemes.ClientId => clientId is not null,
        _ => false,
    };

    private static string Describe(string scheme) => scheme switch
    {
        SecuritySchemes.OAuth => "an access token (ZapierClientOptions.AccessToken or AccessTokenProvider)",
        SecuritySchemes.ClientId => "a client id (ZapierClientOptions.ClientId)",
        _ => $"credentials for the '{scheme}' scheme",
    };

    /// <summary>
    /// Whether the request goes to the configured origin. A generated builder's request always does (its base URL is
    /// the client's); only a raw URL (<c>WithUrl</c>, a followed link) needs its URL built and compared.
    /// </summary>
    private bool GoesToConfiguredOrigin(RequestInformation request) =>
        !request.PathParameters.ContainsKey("request-raw-url")
        && request.PathParameters.TryGetValue("baseurl", out var configured) && configured is string text
        && string.Equals(text, _baseUrlText, StringComparison.Ordinal)
            ? true
            : IsConfiguredOrigin(request.URI);

    private readonly string _baseUrlText = baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');

    private bool IsConfiguredOrigin(Uri uri) =>
        uri.IsAbsoluteUri
        && string.Equals(uri.Scheme, baseUrl.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(uri.IdnHost, baseUrl.IdnHost, StringComparison.OrdinalIgnoreCase)
        && uri.Port == baseUrl.Port;

    private static bool HasQueryParameter(Uri uri, string name) =>
        uri.Query.TrimStart('?').Split('&').Any(p => p.Split('=')[0] == name);

    private static Uri AppendQuery(Uri uri, string name, string value)
    {
        var builder = new UriBuilder(uri);
        var pair = Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(value);
        builder.Query = string.IsNullOrEmpty(builder.Query) || builder.Query == "?" ? pair : builder.Query.TrimStart('?') + "&" + pair;
        return builder.Uri;
    }
}
