using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Zapier.Client.Errors;
using Zapier.Client.Generated.Models;
using Zapier.Client.Tests.Support;

namespace Zapier.Client.Tests.Hosting;

/// <summary><c>AddZapierClient</c> in a real host against WireMock.Net: options, validation, sharing, names, handlers.</summary>
public sealed class DependencyInjectionTests(StubServerFixture stub) : IClassFixture<StubServerFixture>
{
    private const string RunJson = """{"data":{"type":"run","status":"success","errors":[],"results":[{"id":1}]}}""";

    [Fact]
    public async Task Options_bound_from_configuration_reach_the_client_and_leave_the_shared_defaults_alone()
    {
        RespondAlways(503, """{"errors":[{"status":503,"code":"unavailable","title":"Unavailable"}]}""");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Zapier:BaseUrl"] = stub.BaseUrl.ToString(),
            ["Zapier:AccessToken"] = TestCredentials.AccessToken,
            ["Zapier:Retry:MaxRetries"] = "0",
            ["Zapier:RequestsPerMinute"] = "600",
        });
        builder.Services.AddZapierClient(builder.Configuration.GetSection("Zapier"));
        using var host = builder.Build();
        await host.StartAsync();

        using var client = host.Services.GetRequiredService<ZapierClient>();
        var error = await Assert.ThrowsAsync<ZapierApiException>(() => client.V2.ActionRuns["r"].GetAsync());

        Assert.Equal(503, error.StatusCode);
        var request = Assert.Single(stub.Server.LogEntries).RequestMessage;
        Assert.Equal("Bearer " + TestCredentials.AccessToken, request.Headers!["Authorization"].Single());
        Assert.Equal(600, client.Core.Options.RequestsPerMinute);
        Assert.Equal(new ZapierRetryOptions(), ZapierRetryOptions.Default);
    }

    [Fact]
    public async Task Invalid_options_stop_the_host_at_start_with_every_problem_named()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddZapierClient("billing", configuration: null, o =>
        {
            o.BaseUrl = new Uri("http://zapier.example.com");
            o.RequestsPerMinute = 0;
            o.Retry = o.Retry with { MaxRetries = -1 };
        });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(error.Failures, f => f.Contains("Zapier client 'billing': BaseUrl 'http://zapier.example.com/' must use https", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("RequestsPerMinute must be at least 1", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Retry.MaxRetries", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_client_the_container_hands_out_shares_one_request_budget()
    {
        RespondAlways(200, RunJson);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
        using var host = StartHost(services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            services.AddZapierClient(o =>
            {
                o.BaseUrl = stub.BaseUrl;
                o.AccessToken = TestCredentials.AccessToken;
                o.RequestsPerMinute = 1;
            });
        });
        using var first = host.Services.GetRequiredService<ZapierClient>();
        using var second = host.Services.GetRequiredService<ZapierClient>();
        Assert.NotSame(first, second);

        var one = await first.V2.ActionRuns["a"].GetAsync();
        var two = second.V2.ActionRuns["b"].GetAsync();
        while (second.Scheduler.Queued == 0)
        {
            await second.Scheduler.WhenChangedAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        Assert.Single(stub.Server.LogEntries); // the second instance waits for the slot the first one used
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(ActionRunResponseStatusEnum.Success, (await two.WaitAsync(TimeSpan.FromSeconds(10)))!.Data!.Status);
        Assert.Equal(ActionRunResponseStatusEnum.Success, one!.Data!.Status);
        Assert.Equal(2, stub.Server.LogEntries.Count());
    }

    [Fact]
    public async Task Named_clients_keep_their_own_credentials_and_budgets()
    {
        RespondAlways(200, RunJson);
        using var host = StartHost(services =>
        {
            services.AddZapierClient("partner-a", configuration: null, o => { o.BaseUrl = stub.BaseUrl; o.AccessToken = "token-a"; });
            services.AddZapierClient("partner-b", configuration: null, o => { o.BaseUrl = stub.BaseUrl; o.AccessToken = "token-b"; });
        });
        var factory = host.Services.GetRequiredService<IZapierClientFactory>();
        using var a = factory.CreateClient("partner-a");
        using var b = factory.CreateClient("partner-b");

        await a.V2.ActionRuns["1"].GetAsync();
        await b.V2.ActionRuns["2"].GetAsync();

        var tokens = stub.Server.LogEntries.OrderBy(e => e.RequestMessage.DateTime)
            .Select(e => e.RequestMessage.Headers!["Authorization"].Single()).ToArray();
        Assert.Equal(["Bearer token-a", "Bearer token-b"], tokens);
        Assert.NotSame(a.Core, b.Core);
        Assert.NotSame(a.Core.Budget, b.Core.Budget);
        var unknown = Assert.Throws<InvalidOperationException>(() => factory.CreateClient("partner-c"));
        Assert.Contains("AddZapierClient(\"partner-c\"", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_provider_from_the_container_is_asked_for_each_request()
    {
        RespondAlways(200, RunJson);
        using var host = StartHost(services => services.AddZapierClient(o => o.BaseUrl = stub.BaseUrl).AddZapierAccessTokenProvider<RotatingTokens>());
        using var client = host.Services.GetRequiredService<ZapierClient>();

        await client.V2.ActionRuns["1"].GetAsync();
        await client.V2.ActionRuns["2"].GetAsync();

        var tokens = stub.Server.LogEntries.OrderBy(e => e.RequestMessage.DateTime)
            .Select(e => e.RequestMessage.Headers!["Authorization"].Single()).ToArray();
        Assert.Equal(["Bearer vault-1", "Bearer vault-2"], tokens);
    }

    [Fact]
    public async Task Handlers_added_to_the_builder_run_inside_the_pipeline_once_per_attempt()
    {
        var requests = 0;
        stub.Server.Reset();
        stub.Server.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithCallback(_ => Interlocked.Increment(ref requests) == 1
            ? new WireMock.ResponseMessage { StatusCode = 503 }
            : Faults.FaultAnswer.Message(200, RunJson)));
        var counter = new CountingHandler();
        using var host = StartHost(services => services
            .AddZapierClient(o =>
            {
                o.BaseUrl = stub.BaseUrl;
                o.AccessToken = TestCredentials.AccessToken;
                o.Retry = ZapierRetryOptions.Default with { BaseDelay = TimeSpan.Zero };
            })
            .AddHttpMessageHandler(() => counter));
        using var client = host.Services.GetRequiredService<ZapierClient>();

        var run = await client.V2.ActionRuns["r"].GetAsync();

        Assert.Equal(ActionRunResponseStatusEnum.Success, run!.Data!.Status);
        Assert.Equal(2, counter.Sent); // the 503 and the retry both passed through the caller's handler
        Assert.All(counter.Authorizations, a => Assert.Equal("Bearer " + TestCredentials.AccessToken, a));
    }

    [Fact]
    public async Task A_retry_layer_added_to_every_http_client_is_left_out_so_a_create_is_not_sent_again()
    {
        RespondAlways(503, """{"errors":[{"status":503,"code":"unavailable","title":"Unavailable"}]}""");
        var logs = new CapturingLoggerProvider();
        using var host = StartHost(services =>
        {
            services.AddSingleton<Microsoft.Extensions.Logging.ILoggerFactory>(logs);
            services.ConfigureHttpClientDefaults(b => b.AddStandardResilienceHandler()); // the Aspire service-defaults pattern
            services.AddZapierClient(o => { o.BaseUrl = stub.BaseUrl; o.AccessToken = TestCredentials.AccessToken; });
        });
        using var client = host.Services.GetRequiredService<ZapierClient>();

        var error = await Assert.ThrowsAsync<ZapierApiException>(() => client.StartActionRunAsync(new Zapier.Client.ActionRuns.ActionRunRequest("core:1")));

        Assert.Equal(503, error.StatusCode);
        Assert.Single(stub.Server.LogEntries); // the standard handler would have sent it 4 times
        Assert.Contains(logs.Lines, l => l.Contains("was left out of the Zapier client", StringComparison.Ordinal));
    }

    [Fact]
    public void Registering_the_same_name_twice_is_refused()
    {
        var services = new ServiceCollection();
        services.AddZapierClient(o => o.AccessToken = "t");

        var error = Assert.Throws<InvalidOperationException>(() => services.AddZapierClient(o => o.AccessToken = "u"));

        Assert.Contains("registered already", error.Message, StringComparison.Ordinal);
    }

    private static IHost StartHost(Action<IServiceCollection> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        configure(builder.Services);
        var host = builder.Build();
        host.Start();
        return host;
    }

    private void RespondAlways(int status, string body)
    {
        stub.Server.Reset();
        stub.Server.Given(Request.Create()).RespondWith(Response.Create().WithStatusCode(status)
            .WithHeader("Content-Type", "application/json").WithBody(body));
    }

    private sealed class RotatingTokens : IZapierAccessTokenProvider
    {
        private int _issued;

        public ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult("vault-" + Interlocked.Increment(ref _issued));
    }

    private sealed class CountingHandler : DelegatingHandler
    {
        private int _sent;

        public int Sent => _sent;

        public System.Collections.Concurrent.ConcurrentQueue<string> Authorizations { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _sent);
            Authorizations.Enqueue(request.Headers.Authorization?.ToString() ?? "(none)");
            return base.SendAsync(request, cancellationToken);
        }
    }
}
