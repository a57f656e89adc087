using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Zapier.Callbacks;

/// <summary>
/// A local stand-in for Zapier, for the demo only: answers POST /v2/action-runs and GET /v2/action-runs/{id}, serves a
/// JWKS with a key it generates, and signs callbacks with it the way Zapier does (Zapier-Callback-Signature, RS256,
/// iat and exp 5 minutes apart).
/// </summary>
internal sealed class DemoZapier : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RSA _key = RSA.Create(2048);
    private readonly HttpClient _http = new();
    private int _runs;

    private DemoZapier(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public Uri JwksUrl => new(BaseUrl, "/.well-known/jwks.json");

    /// <summary>The Partner API requests received, as "METHOD path".</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public static async Task<DemoZapier> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var zapier = new DemoZapier(app);
        app.MapGet("/.well-known/jwks.json", () =>
        {
            var p = zapier._key.ExportParameters(false);
            return Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", kid = "demo-1", n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) } } });
        });
        app.MapPost("/v2/action-runs", () =>
        {
            zapier.Requests.Enqueue("POST /v2/action-runs");
            return Results.Json(new { data = new { type = "run", id = "arun_demo_" + Interlocked.Increment(ref zapier._runs) } });
        });
        app.MapGet("/v2/action-runs/{id}", (string id) =>
        {
            zapier.Requests.Enqueue("GET /v2/action-runs/" + id);
            return Results.Json(new { data = new { type = "run", status = "waiting", results = Array.Empty<object>(), errors = Array.Empty<object>() } });
        });
        await app.StartAsync();
        zapier.BaseUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return zapier;
    }

    /// <summary>POSTs the run's signed callback to <paramref name="callbackUrl"/>, as Zapier does when a run ends.</summary>
    public async Task<HttpStatusCode> CallBackAsync(Uri callbackUrl, string runId)
    {
        var now = DateTime.UtcNow;
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            IssuedAt = now,
            Expires = now.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_key) { KeyId = "demo-1" }, SecurityAlgorithms.RsaSha256),
        });
        var body = JsonSerializer.Serialize(new { data = new { type = "run", id = runId, status = "success", results = new[] { new { message = "Hello from the demo" } }, errors = Array.Empty<object>() } });
        using var request = new HttpRequestMessage(HttpMethod.Post, callbackUrl) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Zapier-Callback-Signature", token);
        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        _key.Dispose();
    }
}
