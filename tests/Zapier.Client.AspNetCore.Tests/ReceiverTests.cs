using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using Zapier.Client.AspNetCore.Tests.Support;

namespace Zapier.Client.AspNetCore.Tests;

/// <summary>
/// The callback receiver in a real Kestrel host on loopback, against a fake Zapier that serves its JWKS over HTTP and
/// signs (or forges) the tokens. Every refusal answers its status and publishes nothing.
/// </summary>
public sealed class ReceiverTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 5, 22, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private FakeZapier _zapier = null!;
    private CallbackHost _host = null!;

    public async Task InitializeAsync()
    {
        _zapier = await FakeZapier.StartAsync();
        _host = await CallbackHost.StartAsync(_clock, o => o.JwksUrl = _zapier.JwksUrl);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _zapier.DisposeAsync();
    }

    private DateTimeOffset Now => _clock.GetUtcNow();

    private Task<HttpResponseMessage> Deliver(string body, string? signature) => _zapier.DeliverAsync(_host.CallbackUrl, body, signature);

    [Fact]
    public async Task A_verified_callback_is_acknowledged_with_204_and_published_with_its_run()
    {
        var response = await Deliver(FakeZapier.RunBody("arun_1"), _zapier.Sign(Now));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var completion = Assert.Single(_host.Published);
        Assert.Equal(("arun_1", "success"), (completion.RunId, completion.Status.Value));
        using var body = JsonDocument.Parse(completion.Body);
        Assert.Equal("Ada", body.RootElement.GetProperty("data").GetProperty("results")[0].GetProperty("name").GetString());
        Assert.Equal(1, _zapier.JwksFetches);
    }

    [Fact]
    public async Task A_callback_without_the_signature_header_is_refused_with_401()
    {
        var response = await Deliver(FakeZapier.RunBody("arun_1"), signature: null);

        await AssertRefused(response, HttpStatusCode.Unauthorized, "Zapier-Callback-Signature header is missing");
        Assert.Empty(_host.Published);
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJpYXQiOjF9")]
    public async Task A_malformed_signature_is_refused_with_401(string signature)
    {
        var response = await Deliver(FakeZapier.RunBody("arun_1"), signature);

        await AssertRefused(response, HttpStatusCode.Unauthorized, "not a JWT");
        Assert.Empty(_host.Published);
    }

    [Fact]
    public async Task A_signature_that_names_no_key_is_refused_with_401()
    {
        var response = await Deliver(FakeZapier.RunBody("arun_1"), FakeZapier.Sign(Now, _zapier.Key, kid: null));

        await AssertRefused(response, HttpStatusCode.Unauthorized, "names no key");
        Assert.Empty(_host.Published);
    }

    [Fact]
    public async Task An_expired_signature_is_refused_with_401_beyond_the_30_second_clock_skew_and_accepted_within_it()
    {
        var expired = FakeZapier.Sign(Now, _zapier.Key, "k1", issuedAgo: TimeSpan.FromMinutes(6)); // expired 60 s ago
        var justExpired = FakeZapier.Sign(Now, _zapier.Key, "k1", issuedAgo: TimeSpan.FromSeconds(320)); // expired 20 s ago

        await AssertRefused(await Deliver(FakeZapier.RunBody("arun_1"), expired), HttpStatusCode.Unauthorized, "expired (exp)");
        Assert.Equal(HttpStatusCode.NoContent, (await Deliver(FakeZapier.RunBody("arun_2"), justExpired)).StatusCode);
        Assert.Equal(["arun_2"], _host.Published.Select(c => c.RunId));
    }

    [Fact]
    public async Task A_signature_issued_in_the_future_is_refused_with_401()
    {
        var response = await Deliver(FakeZapier.RunBody("arun_1"), FakeZapier.Sign(Now + TimeSpan.FromMinutes(2), _zapier.Key, "k1"));

        await AssertRefused(response, HttpStatusCode.Unauthorized, "issued in the future (iat)");
        Assert.Empty(_host.Published);
    }

    [Theory]
    [InlineData(false, true, "no issue time (iat)")]
    [InlineData(true, false, "no expiry (exp)")]
    public async Task A_signature_without_iat_or_exp_is_refused_with_401(bool withIssuedAt, bool withExpiry, string reason)
    {
        var token = FakeZapier.Sign(Now, _zapier.Key, "k1", withIssuedAt: withIssuedAt, withExpiry: withExpiry);

        await AssertRefused(await Deliver(FakeZapier.RunBody("arun_1"), token), HttpStatusCode.Unauthorized, reason);
        Assert.Empty(_host.Published);
    }

    [Fact]
    public async Task An_unsigned_alg_none_token_is_refused_with_401()
    {
        var response = await Deliver(FakeZapier.RunBody("arun_1"), FakeZapier.Unsigned(Now));

        await AssertRefused(response, HttpStatusCode.Unauthorized, "algorithm 'none' is not accepted");
        Assert.Empty(_host.Published);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_under_zapiers_key_id_is_refused_with_401()
    {
        using var forger = RSA.Create(2048);

        var response = await Deliver(FakeZapier.RunBody("arun_1"), FakeZapier.Sign(Now, forger, "k1"));

        await AssertRefused(response, HttpStatusCode.Unauthorized, "not valid");
        Assert.Empty(_host.Published);
    }

    [Fact]
    public async Task An_hmac_token_keyed_with_zapiers_public_key_is_refused_with_401()
    {
        var response = await Deliver(FakeZapier.RunBody("arun_1"), _zapier.ConfusedHmac(Now));

        await AssertRefused(response, HttpStatusCode.Unauthorized, "algorithm 'HS256' is not accepted");
        Assert.Empty(_host.Published);
    }

    [Fact]
    public async Task An_unknown_key_id_is_refused_with_401_after_one_refetch_and_refetches_wait_for_the_floor()
    {
        using var forger = RSA.Create(2048);
        Assert.Equal(HttpStatusCode.NoContent, (await Deliver(FakeZapier.RunBody("arun_0"), _zapier.Sign(Now))).StatusCode);
        _clock.Advance(TimeSpan.FromMinutes(6)); // past the 5-minute floor since the first fetch

        await AssertRefused(await Deliver(FakeZapier.RunBody("arun_1"), FakeZapier.Sign(Now, forger, "k2")), HttpStatusCode.Unauthorized, "key the JWKS does not have");
        Assert.Equal(2, _zapier.JwksFetches); // fetched again once, in case Zapier rotated its keys
        await AssertRefused(await Deliver(FakeZapier.RunBody("arun_2"), FakeZapier.Sign(Now, forger, "k3")), HttpStatusCode.Unauthorized, "key the JWKS does not have");
        Assert.Equal(2, _zapier.JwksFetches); // within the floor: no fetch for made-up key ids
        Assert.Equal(["arun_0"], _host.Published.Select(c => c.RunId));
    }

    [Fact]
    public async Task A_rotated_key_is_fetched_on_its_first_token_and_accepted()
    {
        Assert.Equal(HttpStatusCode.NoContent, (await Deliver(FakeZapier.RunBody("arun_1"), _zapier.Sign(Now))).StatusCode);
        using var next = RSA.Create(2048);
        _zapier.Publish("k2", next);
        _clock.Advance(TimeSpan.FromMinutes(5));

        var response = await Deliver(FakeZapier.RunBody("arun_2"), FakeZapier.Sign(Now, next, "k2"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(["arun_1", "arun_2"], _host.Published.Select(c => c.RunId));
        Assert.Equal(2, _zapier.JwksFetches);
    }

    [Fact]
    public async Task An_algorithm_outside_valid_algorithms_is_refused_with_401()
    {
        await using var strict = await CallbackHost.StartAsync(_clock, o =>
        {
            o.JwksUrl = _zapier.JwksUrl;
            o.ValidAlgorithms = [SecurityAlgorithms.RsaSha256];
        });
        var pss = FakeZapier.Sign(Now, _zapier.Key, "k1", SecurityAlgorithms.RsaSsaPssSha256);

        await AssertRefused(await _zapier.DeliverAsync(strict.CallbackUrl, FakeZapier.RunBody("arun_1"), pss), HttpStatusCode.Unauthorized, "algorithm 'PS256' is not accepted");
        Assert.Equal(HttpStatusCode.NoContent, (await _zapier.DeliverAsync(strict.CallbackUrl, FakeZapier.RunBody("arun_1"), _zapier.Sign(Now))).StatusCode);
        Assert.Equal(["arun_1"], strict.Published.Select(c => c.RunId));
    }

    [Fact]
    public async Task A_token_whose_claims_were_altered_after_signing_is_refused_with_401()
    {
        var parts = _zapier.Sign(Now - TimeSpan.FromMinutes(10)).Split('.');
        var stretched = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(JsonSerializer.Serialize(new
        {
            iat = Now.ToUnixTimeSeconds(), exp = (Now + TimeSpan.FromMinutes(5)).ToUnixTimeSeconds(),
        }));

        var response = await Deliver(FakeZapier.RunBody("arun_1"), string.Join('.', parts[0], stretched, parts[2]));

        await AssertRefused(response, HttpStatusCode.Unauthorized, "the signature does not verify");
        Assert.Empty(_host.Published);
    }

    [Fact]
    public async Task The_signature_does_not_cover_the_body_because_zapiers_token_carries_no_digest_of_it()
    {
        // What the README states: with only iat and exp in Zapier's token, a valid token vouches for the sender and
        // the time, not for the body; two callbacks signed in the same second even carry the same token.
        var token = _zapier.Sign(Now);

        var first = await Deliver(FakeZapier.RunBody("arun_1"), token);
        var second = await Deliver(FakeZapier.RunBody("arun_2", "error"), token);

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (first.StatusCode, second.StatusCode));
        Assert.Equal([("arun_1", "success"), ("arun_2", "error")], _host.Published.Select(c => (c.RunId, c.Status.Value)));
    }

    [Fact]
    public async Task A_body_over_the_size_cap_is_refused_with_413_with_or_without_a_content_length()
    {
        await using var small = await CallbackHost.StartAsync(_clock, o =>
        {
            o.JwksUrl = _zapier.JwksUrl;
            o.MaxBodyBytes = 4096;
        });
        var big = FakeZapier.RunBody("arun_1", results: "[\"" + new string('x', 5000) + "\"]");

        var declared = await _zapier.DeliverAsync(small.CallbackUrl, big, _zapier.Sign(Now));
        using var chunked = new HttpRequestMessage(HttpMethod.Post, small.CallbackUrl)
        {
            Content = new StreamContent(new UnknownLengthStream(Encoding.UTF8.GetBytes(big))),
        };
        chunked.Headers.TryAddWithoutValidation("Zapier-Callback-Signature", _zapier.Sign(Now));
        var streamed = await _zapier.Http.SendAsync(chunked);

        await AssertRefused(declared, HttpStatusCode.RequestEntityTooLarge, "larger than 4096 bytes");
        Assert.Null(chunked.Content.Headers.ContentLength);
        await AssertRefused(streamed, HttpStatusCode.RequestEntityTooLarge, "larger than 4096 bytes");
        Assert.Empty(small.Published);
    }

    [Theory]
    [InlineData("not json", "not JSON")]
    [InlineData("[]", "no \\\"data\\\" object")]
    [InlineData("""{"data":{"type":"zap","id":"arun_1","status":"success"}}""", "data.type is not")]
    [InlineData("""{"data":{"type":"run","status":"success"}}""", "data.id is missing")]
    [InlineData("""{"data":{"type":"run","id":"arun_1"}}""", "data.status is missing")]
    [InlineData("""{"data":{"type":"run","id":"arun_1","status":"waiting"}}""", "only when a run has ended")]
    public async Task A_verified_body_that_is_not_a_finished_run_is_refused_with_400(string body, string reason)
    {
        var response = await Deliver(body, _zapier.Sign(Now));

        await AssertRefused(response, HttpStatusCode.BadRequest, reason);
        Assert.Empty(_host.Published);
    }

    [Fact]
    public async Task The_same_run_delivered_again_is_acknowledged_and_published_once()
    {
        var first = await Deliver(FakeZapier.RunBody("arun_1"), _zapier.Sign(Now));
        _clock.Advance(TimeSpan.FromSeconds(2));
        var again = await Deliver(FakeZapier.RunBody("arun_1"), _zapier.Sign(Now)); // Zapier's retry, freshly signed

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (first.StatusCode, again.StatusCode));
        Assert.Equal(["arun_1"], _host.Published.Select(c => c.RunId));
    }

    [Fact]
    public async Task An_unreachable_jwks_is_answered_503_and_zapiers_retry_seconds_later_verifies()
    {
        _zapier.JwksStatus = 500;

        var whileDown = await Deliver(FakeZapier.RunBody("arun_1"), _zapier.Sign(Now));
        _zapier.JwksStatus = 200;
        var atOnce = await Deliver(FakeZapier.RunBody("arun_1"), _zapier.Sign(Now)); // not refetched within the first 2 s
        _clock.Advance(TimeSpan.FromSeconds(3)); // Zapier retries within seconds
        var retried = await Deliver(FakeZapier.RunBody("arun_1"), _zapier.Sign(Now));

        await AssertRefused(whileDown, HttpStatusCode.ServiceUnavailable, "could not be fetched");
        await AssertRefused(atOnce, HttpStatusCode.ServiceUnavailable, "could not be fetched");
        Assert.Equal(HttpStatusCode.NoContent, retried.StatusCode);
        Assert.Equal(2, _zapier.JwksFetches);
        Assert.Equal(["arun_1"], _host.Published.Select(c => c.RunId));
    }

    [Fact]
    public async Task Configured_keys_verify_without_fetching_anything()
    {
        await using var offline = await CallbackHost.StartAsync(_clock, o => o.Jwks = FakeZapier.JwksOf(("k1", _zapier.Key)));
        using var forger = RSA.Create(2048);

        var good = await _zapier.DeliverAsync(offline.CallbackUrl, FakeZapier.RunBody("arun_1"), _zapier.Sign(Now));
        var forged = await _zapier.DeliverAsync(offline.CallbackUrl, FakeZapier.RunBody("arun_2"), FakeZapier.Sign(Now, forger, "k1"));

        Assert.Equal(HttpStatusCode.NoContent, good.StatusCode);
        await AssertRefused(forged, HttpStatusCode.Unauthorized, "not valid");
        Assert.Equal(["arun_1"], offline.Published.Select(c => c.RunId));
        Assert.Equal(0, _zapier.JwksFetches);
    }

    [Fact]
    public async Task A_configured_issuer_and_audience_are_required()
    {
        await using var checking = await CallbackHost.StartAsync(_clock, o =>
        {
            o.JwksUrl = _zapier.JwksUrl;
            o.ValidIssuer = "https://zapier.com";
            o.ValidAudience = "partner-42";
        });

        var right = await _zapier.DeliverAsync(checking.CallbackUrl, FakeZapier.RunBody("arun_1"),
            FakeZapier.Sign(Now, _zapier.Key, "k1", issuer: "https://zapier.com", audience: "partner-42"));
        var wrongIssuer = await _zapier.DeliverAsync(checking.CallbackUrl, FakeZapier.RunBody("arun_2"),
            FakeZapier.Sign(Now, _zapier.Key, "k1", issuer: "https://evil.example", audience: "partner-42"));
        var noAudience = await _zapier.DeliverAsync(checking.CallbackUrl, FakeZapier.RunBody("arun_3"),
            FakeZapier.Sign(Now, _zapier.Key, "k1", issuer: "https://zapier.com"));

        Assert.Equal(HttpStatusCode.NoContent, right.StatusCode);
        await AssertRefused(wrongIssuer, HttpStatusCode.Unauthorized, "wrong issuer");
        await AssertRefused(noAudience, HttpStatusCode.Unauthorized, "not valid");
        Assert.Equal(["arun_1"], checking.Published.Select(c => c.RunId));
    }

    [Theory]
    [InlineData(true, true, null, "exactly one of JwksUrl")]
    [InlineData(false, false, null, "exactly one of JwksUrl")]
    [InlineData(true, false, "HS256", "only asymmetric signatures")]
    [InlineData(true, false, "none", "only asymmetric signatures")]
    public async Task Bad_options_stop_the_host_at_start_with_a_message_naming_the_setting(bool url, bool document, string? algorithm, string message)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => CallbackHost.StartAsync(_clock, o =>
        {
            o.JwksUrl = url ? _zapier.JwksUrl : null;
            o.Jwks = document ? FakeZapier.JwksOf(("k1", _zapier.Key)) : null;
            o.ValidAlgorithms = algorithm is null ? null : [algorithm];
        }));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mapping_the_receiver_without_registering_it_says_what_to_call()
    {
        var app = WebApplication.CreateSlimBuilder().Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapZapierActionRunCallbacks(CallbackHost.Path));

        Assert.Contains("AddZapierActionRunCallbacks", error.Message, StringComparison.Ordinal);
    }

    private static async Task AssertRefused(HttpResponseMessage response, HttpStatusCode status, string reason)
    {
        var problem = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{response.StatusCode}: {problem}");
        Assert.True(problem.Contains(reason, StringComparison.Ordinal), problem);
    }

    /// <summary>A body whose length is not known in advance, so it is sent chunked, without Content-Length.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
