using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Zapier.Client.AspNetCore.Tests.Support;

/// <summary>
/// Plays Zapier over real HTTP on loopback: serves a JWKS made from keys it generates, signs callback tokens with
/// them (or forges them), delivers callbacks, and answers the Partner API's create and retrieve of action runs.
/// </summary>
internal sealed class FakeZapier : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, RSA> _published = new(StringComparer.Ordinal);
    private int _jwksFetches;
    private int _runCounter;

    private FakeZapier(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>Zapier's signing key, published in the JWKS as <c>k1</c>.</summary>
    public RSA Key { get; } = RSA.Create(2048);

    public Uri BaseUrl { get; }

    public Uri JwksUrl => new(BaseUrl, "/.well-known/jwks.json");

    /// <summary>What GET /.well-known/jwks.json answers with besides 200 (e.g. 500 while "down").</summary>
    public int JwksStatus { get; set; } = 200;

    public int JwksFetches => Volatile.Read(ref _jwksFetches);

    /// <summary>Every Partner API request as "METHOD path".</summary>
    public ConcurrentQueue<string> ApiRequests { get; } = new();

    /// <summary>The last create's JSON body.</summary>
    public JsonElement? LastCreate { get; private set; }

    /// <summary>The status GET /v2/action-runs/{id} answers (waiting until a test says otherwise).</summary>
    public ConcurrentDictionary<string, string> RunStatus { get; } = new(StringComparer.Ordinal);

    public HttpClient Http { get; } = new();

    public int Polls(string id) => ApiRequests.Count(r => r == "GET /v2/action-runs/" + id);

    public static async Task<FakeZapier> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        FakeZapier? zapier = null;
        app.MapGet("/.well-known/jwks.json", (HttpContext c) => zapier!.ServeJwks(c));
        app.MapPost("/v2/action-runs", async (HttpContext c) =>
        {
            using var document = await JsonDocument.ParseAsync(c.Request.Body);
            zapier!.LastCreate = document.RootElement.Clone();
            zapier.ApiRequests.Enqueue("POST /v2/action-runs");
            var id = "arun_" + Interlocked.Increment(ref zapier._runCounter);
            return Results.Json(new { data = new { type = "run", id } });
        });
        app.MapGet("/v2/action-runs/{id}", (string id) =>
        {
            zapier!.ApiRequests.Enqueue("GET /v2/action-runs/" + id);
            var status = zapier.RunStatus.GetValueOrDefault(id, "waiting");
            return Results.Json(new { data = new { type = "run", status, results = new[] { new { polled = true } }, errors = Array.Empty<object>() } });
        });
        await app.StartAsync();
        zapier = new FakeZapier(app, Address(app));
        zapier.Publish("k1", zapier.Key);
        return zapier;
    }

    /// <summary>The first address a started app listens on.</summary>
    public static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>Puts <paramref name="key"/> in the JWKS under <paramref name="kid"/>.</summary>
    public void Publish(string kid, RSA key) => _published[kid] = key;

    /// <summary>Takes <paramref name="kid"/> out of the JWKS.</summary>
    public void Withdraw(string kid) => _published.TryRemove(kid, out _);

    /// <summary>A callback token as Zapier makes it: RS256 with <see cref="Key"/> as k1, issued now, valid 5 minutes.</summary>
    public string Sign(DateTimeOffset now) => Sign(now, Key, "k1");

    /// <summary>A token signed with <paramref name="key"/> under <paramref name="kid"/>, with the given times (null leaves a claim out).</summary>
    public static string Sign(
        DateTimeOffset now, RSA key, string? kid, string algorithm = SecurityAlgorithms.RsaSha256,
        TimeSpan? issuedAgo = null, TimeSpan? validFor = null, bool withIssuedAt = true, bool withExpiry = true,
        string? issuer = null, string? audience = null)
    {
        var issued = now - (issuedAgo ?? TimeSpan.Zero);
        var descriptor = new SecurityTokenDescriptor
        {
            IssuedAt = withIssuedAt ? issued.UtcDateTime : null,
            Expires = withExpiry ? (issued + (validFor ?? TimeSpan.FromMinutes(5))).UtcDateTime : null,
            Issuer = issuer,
            Audience = audience,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key) { KeyId = kid }, algorithm),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>An unsigned token (<c>alg: none</c>) that names k1 and has valid times.</summary>
    public static string Unsigned(DateTimeOffset now) =>
        Segment(new { alg = "none", typ = "JWT", kid = "k1" }) + "." +
        Segment(new { iat = now.ToUnixTimeSeconds(), exp = (now + TimeSpan.FromMinutes(5)).ToUnixTimeSeconds() }) + ".";

    /// <summary>
    /// HS256 "signed" with the bytes of k1's public key: the algorithm-confusion forgery that works against verifiers
    /// that let the token choose a symmetric algorithm.
    /// </summary>
    public string ConfusedHmac(DateTimeOffset now)
    {
        var secret = new SymmetricSecurityKey(Encoding.ASCII.GetBytes(Key.ExportSubjectPublicKeyInfoPem())) { KeyId = "k1" };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            IssuedAt = now.UtcDateTime,
            Expires = (now + TimeSpan.FromMinutes(5)).UtcDateTime,
            SigningCredentials = new SigningCredentials(secret, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>A callback body as Zapier sends it.</summary>
    public static string RunBody(string id, string status = "success", string results = """[{"id":123,"name":"Ada"}]""") =>
        "{\"data\":{\"type\":\"run\",\"id\":\"" + id + "\",\"status\":\"" + status + "\",\"results\":" + results + ",\"errors\":[]}}";

    /// <summary>POSTs a callback the way Zapier does.</summary>
    public async Task<HttpResponseMessage> DeliverAsync(Uri callbackUrl, string body, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, callbackUrl) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Zapier-Callback-Signature", signature);
        }

        return await Http.SendAsync(request);
    }

    /// <summary>A JWKS document with <paramref name="keys"/> (public parts only).</summary>
    public static string JwksOf(params (string Kid, RSA Key)[] keys) =>
        JsonSerializer.Serialize(new
        {
            keys = keys.Select(k =>
            {
                var p = k.Key.ExportParameters(false);
                return new { kty = "RSA", use = "sig", kid = k.Kid, n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) };
            }),
        });

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.DisposeAsync();
        Key.Dispose();
    }

    private IResult ServeJwks(HttpContext context)
    {
        Interlocked.Increment(ref _jwksFetches);
        return JwksStatus != 200
            ? Results.StatusCode(JwksStatus)
            : Results.Text(JwksOf([.. _published.Select(p => (p.Key, p.Value))]), "application/json");
    }

    private static string Segment(object value) => Base64UrlEncoder.Encode(JsonSerializer.Serialize(value));
}
