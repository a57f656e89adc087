using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Zapier.Client.ActionRuns;

namespace Zapier.Client.AspNetCore;

/// <summary>
/// Handles one POST of an action-run callback: verifies the <c>Zapier-Callback-Signature</c> JWT before reading the
/// body (and its times on the application's clock), reads the body within the size cap, checks that it is a finished run, and publishes it on the completion
/// channel, once per run. Answers: 204 accepted (or already accepted); 401 signature missing, malformed, unsigned,
/// with an algorithm not accepted, expired, issued in the future, signed with an unknown key or wrongly; 413 body
/// over the cap; 400 body not a finished run; 503 keys or channel unavailable (Zapier sends again on 5xx).
/// </summary>
internal sealed class ActionRunCallbackReceiver
{
    /// <summary>The header Zapier puts the signature in.</summary>
    public const string SignatureHeader = "Zapier-Callback-Signature";

    /// <summary>How long an accepted run id is remembered, so a delivery of the same run again is not passed on twice.</summary>
    private static readonly TimeSpan RememberRunsFor = TimeSpan.FromMinutes(10);

    private const int Remembered = 10_000;

    private readonly ZapierActionRunCallbackOptions _options;
    private readonly SigningKeySource _keys;
    private readonly IActionRunCompletionChannel _channel;
    private readonly TimeProvider _time;
    private readonly CallbackLog _log;
    private readonly JsonWebTokenHandler _tokens = new();
    private readonly RecentSet _acceptedRuns = new(Remembered);

    public ActionRunCallbackReceiver(
        IOptions<ZapierActionRunCallbackOptions> options, SigningKeySource keys, IActionRunCompletionChannel channel, TimeProvider time, CallbackLog log)
    {
        _options = options.Value;
        _keys = keys;
        _channel = channel;
        _time = time;
        _log = log;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var (status, reason) = await ReceiveAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        if (status == StatusCodes.Status204NoContent)
        {
            context.Response.StatusCode = status;
            return;
        }

        _log.Refused(status, reason);
        await Results.Problem(title: reason, statusCode: status).ExecuteAsync(context).ConfigureAwait(false);
    }

    private async Task<(int Status, string Reason)> ReceiveAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.Headers[SignatureHeader] is not [{ Length: > 0 } token])
        {
            return (401, $"The {SignatureHeader} header is missing.");
        }

        JsonWebToken jwt;
        try
        {
            jwt = _tokens.ReadJsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return (401, $"The {SignatureHeader} header is not a JWT.");
        }

        if (!_options.Algorithms.Contains(jwt.Alg, StringComparer.Ordinal))
        {
            return (401, $"The signature's algorithm '{jwt.Alg}' is not accepted.");
        }

        if (string.IsNullOrEmpty(jwt.Kid))
        {
            return (401, "The signature names no key (kid).");
        }

        if (request.ContentLength > _options.MaxBodyBytes)
        {
            return (413, $"The body is larger than {_options.MaxBodyBytes} bytes.");
        }

        IReadOnlyList<SecurityKey> keys;
        try
        {
            keys = await _keys.KeysForAsync(jwt.Kid, cancellationToken).ConfigureAwait(false);
        }
        catch (SigningKeysUnavailableException e)
        {
            return (503, e.Message);
        }

        var validation = await _tokens.ValidateTokenAsync(jwt, Parameters(keys)).ConfigureAwait(false);
        if (!validation.IsValid)
        {
            return (401, "The signature is not valid: " + Why(validation.Exception));
        }

        if (TimeProblem(jwt, _time.GetUtcNow()) is { } late)
        {
            return (401, late);
        }

        var body = await BodyReader.ReadAsync(request.Body, _options.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (body is not { } bytes)
        {
            return (413, $"The body is larger than {_options.MaxBodyBytes} bytes.");
        }

        var now = _time.GetUtcNow();
        if (!ActionRunCompletion.TryParse(bytes, out var completion, out var problem))
        {
            return (400, "The body is not a finished action run: " + problem + ".");
        }

        // Zapier's documentation lists iat and exp as the token's claims and no digest of the body, so the signature
        // says the callback comes from Zapier within its 5 minutes, not which body it was for (HTTPS protects the body).
        // Nor can a signature be tied to the first body it came with: two callbacks signed in the same second carry
        // the same iat and exp, hence the same RS256 token.
        if (!_acceptedRuns.TryAdd(completion.RunId, now + RememberRunsFor, now))
        {
            _log.Duplicate(completion.RunId);
            return (204, "duplicate");
        }

        try
        {
            await _channel.PublishAsync(completion, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _acceptedRuns.Remove(completion.RunId); // not passed on: Zapier's next attempt must be
            _log.PublishFailed(completion.RunId, e.GetType().Name);
            return (503, "The callback could not be passed on; send it again.");
        }

        _log.Accepted(completion.RunId, completion.Status.Value);
        return (204, "accepted");
    }

    private TokenValidationParameters Parameters(IReadOnlyList<SecurityKey> keys) => new()
    {
        IssuerSigningKeys = keys,
        TryAllIssuerSigningKeys = false, // the token's kid picks the key; a key it does not name never verifies it
        ValidAlgorithms = _options.Algorithms,
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = false, // JWKS keys are bare public keys, with no certificate to check
        ValidateLifetime = false, // checked by TimeProblem on the application's clock (the library reads the system clock)
        ValidateIssuer = _options.ValidIssuer is not null,
        ValidIssuer = _options.ValidIssuer,
        ValidateAudience = _options.ValidAudience is not null,
        ValidAudience = _options.ValidAudience,
    };

    /// <summary>How long Zapier's callback tokens are valid, per its documentation.</summary>
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Why the token's times refuse it, or null: it must have <c>exp</c> and <c>iat</c> (Zapier's documentation says
    /// its tokens carry both and are valid 5 minutes), not be expired, not be issued in the future, not be used before
    /// its <c>nbf</c>, each within <see cref="ZapierActionRunCallbackOptions.ClockSkew"/>.
    /// </summary>
    private string? TimeProblem(JsonWebToken jwt, DateTimeOffset now)
    {
        var skew = _options.ClockSkew;
        if (!jwt.TryGetPayloadValue<long>("exp", out var expires))
        {
            return "The signature has no expiry (exp).";
        }

        if (!jwt.TryGetPayloadValue<long>("iat", out var issuedAt))
        {
            return "The signature has no issue time (iat).";
        }


        // Unix seconds outside DateTimeOffset's range would throw: such a token is refused, not a 500.
        const long MaxSeconds = 253402300799;
        if (expires is < 0 or > MaxSeconds || issuedAt is < 0 or > MaxSeconds)
        {
            return "The signature's times (exp, iat) are out of range.";
        }

        // Zapier's tokens are valid 5 minutes: one that claims much longer is not Zapier's, or is meant to be replayed.
        if (TimeSpan.FromSeconds(expires - issuedAt) > MaxLifetime + skew)
        {
            return "The signature is valid for longer than Zapier's tokens are (exp - iat over 5 minutes).";
        }

        if (DateTimeOffset.FromUnixTimeSeconds(expires) + skew < now)
        {
            return "The signature has expired (exp).";
        }

        if (DateTimeOffset.FromUnixTimeSeconds(issuedAt) - skew > now)
        {
            return "The signature was issued in the future (iat).";
        }

        return jwt.TryGetPayloadValue<long>("nbf", out var notBefore) && DateTimeOffset.FromUnixTimeSeconds(notBefore) - skew > now
            ? "The signature is not valid yet (nbf)."
            : null;
    }

    /// <summary>A short reason, without the library's full message (which can quote the token).</summary>
    private static string Why(Exception? exception) => exception switch
    {
        SecurityTokenSignatureKeyNotFoundException => "it is signed with a key the JWKS does not have",
        SecurityTokenInvalidSignatureException => "the signature does not verify",
        SecurityTokenInvalidIssuerException => "wrong issuer (iss)",
        SecurityTokenInvalidAudienceException => "wrong audience (aud)",
        null => "unknown",
        _ => exception.GetType().Name,
    };
}
