using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Zapier.Client.Testing;

public sealed partial class ZapierSandbox
{
    /// <summary>The <c>kid</c> of the sandbox's signing key in its JWKS.</summary>
    public const string SigningKeyId = "sandbox-k1";

    private const int CallbackAttempts = 3;

    /// <summary>
    /// POSTs the run's callback now, as Zapier does when a run ends: the script's final outcome (its first
    /// <c>success</c> or <c>error</c> step, else its last step) as <c>{"data":{"type":"run","id",...}}</c>, with a
    /// <c>Zapier-Callback-Signature</c> JWT (RS256, <c>iat</c> now, <c>exp</c> 5 minutes later) signed by the key
    /// published at <see cref="JwksUrl"/>. A 5xx or an unreachable receiver is tried again, 3 attempts in all, as
    /// Zapier; a 4xx is final. Each attempt is in <see cref="SandboxJournal.Callbacks"/>.
    /// </summary>
    /// <returns>The receiver's last status (0 when it could not be reached).</returns>
    /// <exception cref="KeyNotFoundException">No such run.</exception>
    /// <exception cref="InvalidOperationException">The run was created without a <c>callback_url</c>.</exception>
    public async Task<int> SendCallbackAsync(string runId, CancellationToken cancellationToken = default)
    {
        var run = Run(runId);
        var url = run.CallbackUrl ?? throw new InvalidOperationException($"Run '{runId}' was created without a callback_url.");
        var target = _options.CallbackAddress?.Invoke(url) ?? url;
        var step = run.Action.Script.FinalStep();
        var body = SandboxAnswers.Run(step, run.Id).ToJsonString();
        var status = 0;
        for (var attempt = 1; attempt <= CallbackAttempts; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation("Zapier-Callback-Signature", SignCallback());
            try
            {
                using var response = await _callbackHttp.SendAsync(request, cancellationToken).ConfigureAwait(false);
                status = (int)response.StatusCode;
            }
            catch (HttpRequestException)
            {
                status = 0;
            }

            Journal.Add(new SandboxCallback(run.Id, target, step.RunStatus ?? "", status, attempt));
            if (status is > 0 and < 500)
            {
                break;
            }
        }

        return status;
    }

    /// <summary>
    /// Completes when the callbacks being delivered now (those the sandbox sends by itself after a create) have had
    /// their answers, so <see cref="SandboxJournal.Callbacks"/> holds them. A receiver can end a wait before its
    /// answer reaches the sandbox; await this before asserting on the journal's callbacks.
    /// </summary>
    public async Task WhenCallbacksDeliveredAsync()
    {
        try
        {
            await Task.WhenAll(_pendingCallbacks.Keys).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            // An attempt that failed is in the journal with status 0.
        }
    }

    /// <summary>A callback token as Zapier makes one: RS256 by the sandbox's key, issued now, valid 5 minutes.</summary>
    public string SignCallback()
    {
        var now = _options.TimeProvider.GetUtcNow();
        var descriptor = new SecurityTokenDescriptor
        {
            IssuedAt = now.UtcDateTime,
            Expires = (now + TimeSpan.FromMinutes(5)).UtcDateTime,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_signingKey) { KeyId = SigningKeyId }, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    private JsonObject Jwks()
    {
        var key = _signingKey.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["alg"] = "RS256",
                ["kid"] = SigningKeyId,
                ["n"] = Base64UrlEncoder.Encode(key.Modulus),
                ["e"] = Base64UrlEncoder.Encode(key.Exponent),
            }),
        };
    }

    private void ScheduleCallback(SandboxRun run)
    {
        // After the create's answer is on its way: Zapier calls back once the run has ended, never before it was created.
        var delivery = Task.Run(async () =>
        {
            await Task.Yield();
            await SendCallbackAsync(run.Id).ConfigureAwait(false);
        });
        _pendingCallbacks[delivery] = true;
        delivery.ContinueWith(t => _pendingCallbacks.TryRemove(t, out _), TaskScheduler.Default);
    }
}
