using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Zapier.Consumer;

/// <summary>
/// A stand-in for Zapier's Partner API on a free loopback port (Kestrel), just large enough for Program.cs: an action
/// run that is <c>waiting</c> at the first poll and <c>success</c> with one result at the next, and 404 with Zapier's
/// errors[] for any other run.
/// </summary>
/// <remarks>
/// When the Zapier.Client.Testing package is in the feed, this file gives way to its sandbox: reference the package
/// in Zapier.Consumer.csproj and make <see cref="StartAsync"/> wrap <c>ZapierSandbox.Start()</c> with
/// <c>AddAction(ActionId, run => run.Waiting(1).Success(new { id = 42 }))</c>, taking <c>BaseUrl</c> and
/// <c>AccessToken</c> from it. Program.cs uses only the members below and does not change.
/// </remarks>
internal sealed class LocalApi : IAsyncDisposable
{
    public const string ActionId = "consumer_core:Create1";

    private const string RunId = "3f2b7c1e-9a4d-4e8b-8c6f-1d2e3f4a5b6c";

    private readonly WebApplication _app;
    private int _polls;

    private LocalApi(WebApplication app, string accessToken)
    {
        _app = app;
        AccessToken = accessToken;
    }

    /// <summary>Where the stand-in listens, e.g. <c>http://127.0.0.1:54321</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The only bearer token the stand-in accepts.</summary>
    public string AccessToken { get; }

    public static async Task<LocalApi> StartAsync()
    {
        var app = LoopbackHost.CreateBuilder().Build();
        var api = new LocalApi(app, "consumer-token-" + Guid.NewGuid().ToString("N"));
        app.Use(api.RequireToken);
        app.MapPost("/v2/action-runs", () => Json($$$"""{"data":{"type":"run","id":"{{{RunId}}}"}}"""));
        app.MapGet("/v2/action-runs/{id}", (string id) => id != RunId
            ? Json("""{"errors":[{"status":404,"code":"not_found","title":"NotFound","detail":"No such run."}]}""", 404)
            : Interlocked.Increment(ref api._polls) == 1
                ? Json("""{"data":{"type":"run","status":"waiting","results":[],"errors":[]}}""")
                : Json("""{"data":{"type":"run","status":"success","results":[{"id":42}],"errors":[]}}"""));
        await app.StartAsync();
        api.BaseUrl = LoopbackHost.AddressOf(app);
        return api;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private Task RequireToken(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Headers.Authorization != "Bearer " + AccessToken)
        {
            context.Response.StatusCode = (int)HttpStatusCode.Unauthorized;
            return context.Response.WriteAsync("""{"errors":[{"status":401,"code":"unauthorized","title":"Unauthorized","detail":"Bad token."}]}""");
        }

        return next(context);
    }

    private static IResult Json(string body, int status = 200) => Results.Content(body, "application/json", statusCode: status);
}
