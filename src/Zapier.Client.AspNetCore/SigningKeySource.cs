using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Zapier.Client.AspNetCore;

/// <summary>The receiver could not get any key to verify with (the JWKS could not be fetched and none is cached).</summary>
internal sealed class SigningKeysUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The keys callbacks are verified with: the configured JWKS document, or Zapier's JWKS fetched from its URL and kept;
/// fetched again when the keys are older than the refresh interval or when a token names a <c>kid</c> they lack, never
/// twice within the refresh floor (forged tokens with made-up key ids cannot turn into a flood of fetches).
/// </summary>
internal sealed class SigningKeySource
{
    /// <summary>The <c>IHttpClientFactory</c> name of the client that fetches the JWKS.</summary>
    public const string HttpClientName = "Zapier.Client.AspNetCore.Jwks";

    /// <summary>Largest JWKS document read; real ones are a few KB.</summary>
    private const int MaxJwksBytes = 256 * 1024;

    private readonly ZapierActionRunCallbackOptions _options;
    private readonly IHttpClientFactory _http;
    private readonly TimeProvider _time;
    private readonly CallbackLog _log;
    private readonly SemaphoreSlim _fetching = new(1, 1);
    private IReadOnlyList<SecurityKey> _keys = [];
    private DateTimeOffset? _fetchedAt;
    private DateTimeOffset? _nextAttempt;
    private int _failures;

    public SigningKeySource(IOptions<ZapierActionRunCallbackOptions> options, IHttpClientFactory http, TimeProvider time, CallbackLog log)
    {
        _options = options.Value;
        _http = http;
        _time = time;
        _log = log;
        if (_options.Jwks is { } document)
        {
            _keys = [.. new JsonWebKeySet(document).GetSigningKeys()];
        }
    }

    /// <summary>Fetches of the JWKS so far (tests).</summary>
    internal int Fetches { get; private set; }

    /// <summary>The keys to verify a token whose header names <paramref name="kid"/>.</summary>
    /// <exception cref="SigningKeysUnavailableException">No key is known and the JWKS cannot be fetched now.</exception>
    public async ValueTask<IReadOnlyList<SecurityKey>> KeysForAsync(string kid, CancellationToken cancellationToken)
    {
        if (_options.JwksUrl is not { } url)
        {
            return _keys;
        }

        if (NeedsFetch(kid, _time.GetUtcNow()))
        {
            await FetchOnceAsync(url, kid, cancellationToken).ConfigureAwait(false);
        }

        return Volatile.Read(ref _keys) is { Count: > 0 } keys
            ? keys
            : throw new SigningKeysUnavailableException("Zapier's JWKS could not be fetched and no key is cached; it is fetched again within seconds, then less often.");
    }

    private async Task FetchOnceAsync(Uri url, string kid, CancellationToken cancellationToken)
    {
        await _fetching.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (NeedsFetch(kid, _time.GetUtcNow())) // another request may have fetched while this one queued
            {
                // Not the caller's token: a request that goes away (or is made to) must not cut the fetch short, and
                // only a fetch that ended counts as an attempt. The fetching client's own timeout bounds it.
                try
                {
                    var keys = await FetchAsync(url, CancellationToken.None).ConfigureAwait(false);
                    Volatile.Write(ref _keys, keys);
                    _fetchedAt = _time.GetUtcNow();
                    _failures = 0;
                    _nextAttempt = _fetchedAt + _options.JwksRefreshFloor;
                    _log.JwksFetched(keys.Count);
                }
                catch (Exception e)
                {
                    // Soon again, then less and less often up to the floor: Zapier's retries come within seconds.
                    _failures++;
                    var delay = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, _failures), _options.JwksRefreshFloor.TotalSeconds));
                    _nextAttempt = _time.GetUtcNow() + delay;
                    _log.JwksFetchFailed(e.GetType().Name, e.Message); // the keys fetched before (if any) stay in use
                }
            }
        }
        finally
        {
            _fetching.Release();
        }
    }

    private bool NeedsFetch(string kid, DateTimeOffset now)
    {
        if (_nextAttempt is { } next && now < next)
        {
            return false; // whatever the reason, not again so soon
        }

        return _fetchedAt is not { } fetched
            || now - fetched >= _options.JwksRefreshInterval
            || !Volatile.Read(ref _keys).Any(k => string.Equals(k.KeyId, kid, StringComparison.Ordinal));
    }

    private async Task<IReadOnlyList<SecurityKey>> FetchAsync(Uri url, CancellationToken cancellationToken)
    {
        Fetches++;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await _http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The JWKS request answered {(int)response.StatusCode}.", null, response.StatusCode);
        }

        if (response.Content.Headers.ContentLength > MaxJwksBytes)
        {
            throw new InvalidDataException($"The JWKS is larger than {MaxJwksBytes} bytes.");
        }

        var body = await BodyReader.ReadAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), MaxJwksBytes, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException($"The JWKS is larger than {MaxJwksBytes} bytes.");
        var keys = new JsonWebKeySet(System.Text.Encoding.UTF8.GetString(body.Span)).GetSigningKeys();
        return keys.Count == 0 ? throw new InvalidDataException("The JWKS has no signing key this receiver can use.") : [.. keys];
    }
}
