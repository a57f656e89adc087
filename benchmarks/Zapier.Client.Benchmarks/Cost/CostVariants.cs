using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Zapier.Client.Generated;
using Zapier.Client.Generated.Models;

namespace Zapier.Client.Benchmarks.Cost;

/// <summary>
/// The three ways of reading one action run that the cost benchmarks compare. Only public API: the client's
/// constructor and options, the generated Kiota client, Kiota's adapter and System.Net.Http.
/// </summary>
internal static class CostVariants
{
    public const string Token = "benchmark-token";
    public const string RunId = "run-1";
    private const string RunPath = "v2/action-runs/" + RunId;

    /// <summary>A bare HttpClient that sends the bearer token itself.</summary>
    public static HttpClient CreateRaw(Uri baseUrl)
    {
        var http = new HttpClient { BaseAddress = baseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return http;
    }

    /// <summary>GET and System.Text.Json source-generated deserialization of a record matching the answer.</summary>
    public static async Task<RawRunEnvelope> GetRawAsync(HttpClient http)
    {
        using var response = await http.GetAsync(RunPath, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await JsonSerializer.DeserializeAsync(stream, RawRunJson.Default.RawRunEnvelope).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The server answered null.");
        }
    }

    /// <summary>The generated Kiota client over a bare HttpClient, with Kiota's adapter and a bearer header.</summary>
    public static PlainKiota CreatePlainKiota(Uri baseUrl)
    {
        var http = new HttpClient();
        var adapter = new HttpClientRequestAdapter(new StaticBearerAuthentication(Token), httpClient: http)
        {
            BaseUrl = baseUrl.GetLeftPart(UriPartial.Authority),
        };
        return new PlainKiota(new ZapierGeneratedClient(adapter), adapter, http);
    }

    /// <summary>The client with its default pipeline, allowed so many requests per minute that its budget never waits.</summary>
    public static ZapierClient CreateZapier(Uri baseUrl) =>
        new(Token, new ZapierClientOptions { BaseUrl = baseUrl, RequestsPerMinute = int.MaxValue });

    /// <summary>Builds a plain Kiota client, makes one call and disposes the client.</summary>
    public static async Task<ActionRunResponse?> PlainKiotaFirstCallAsync(Uri baseUrl)
    {
        using var kiota = CreatePlainKiota(baseUrl);
        return await kiota.Client.V2.ActionRuns[RunId].GetAsync().ConfigureAwait(false);
    }

    /// <summary>Builds a ZapierClient, makes one call and disposes the client.</summary>
    public static async Task<ActionRunResponse?> ZapierFirstCallAsync(Uri baseUrl)
    {
        using var client = CreateZapier(baseUrl);
        return await client.V2.ActionRuns[RunId].GetAsync().ConfigureAwait(false);
    }

    /// <summary>Fails loudly if a variant did not read the run the server answers, so a broken route cannot pass as fast.</summary>
    public static void Check(string variant, bool succeeded, int? resultCount)
    {
        if (!succeeded || resultCount != 1)
        {
            throw new InvalidOperationException($"{variant} did not read a successful run with one result (results: {resultCount}).");
        }
    }

    /// <summary>A generated client and what it was built on; disposing releases the adapter and the HttpClient.</summary>
    internal sealed class PlainKiota(ZapierGeneratedClient client, HttpClientRequestAdapter adapter, HttpClient http) : IDisposable
    {
        public ZapierGeneratedClient Client { get; } = client;

        public void Dispose()
        {
            adapter.Dispose();
            http.Dispose();
        }
    }

    /// <summary>Adds a fixed bearer token to every request: the least a plain Kiota client needs for this call.</summary>
    private sealed class StaticBearerAuthentication(string token) : IAuthenticationProvider
    {
        public Task AuthenticateRequestAsync(
            RequestInformation request, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
        {
            request.Headers.TryAdd("Authorization", "Bearer " + token);
            return Task.CompletedTask;
        }
    }
}

/// <summary>The answer's envelope, as a raw caller would declare it.</summary>
public sealed record RawRunEnvelope(RawRun Data);

/// <summary>The run in the answer.</summary>
public sealed record RawRun(string Type, string Status, IReadOnlyList<RawRunResult> Results, IReadOnlyList<JsonElement> Errors);

/// <summary>One result of the run.</summary>
public sealed record RawRunResult(int Id);

/// <summary>Source-generated (reflection-free) metadata for the raw variant.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RawRunEnvelope))]
internal sealed partial class RawRunJson : JsonSerializerContext;
