using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace PaymentPlatform.ServiceDefaults.Tests;

public class InternalClientDiscoveryTests
{
    [Fact]
    public async Task InternalClientBalancesRequestsOverTheReplicasOfAService()
    {
        await using var first = await TestApp.StartAsync(app => app.MapGet("/whoami", () => "first"), serviceDefaults: false);
        await using var second = await TestApp.StartAsync(app => app.MapGet("/whoami", () => "second"), serviceDefaults: false);
        await using var caller = await ClientHost.StartAsync("ledger", [first.BaseAddress, second.BaseAddress]);
        var client = caller.CreateClient("ledger");

        var answers = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await client.GetStringAsync("/whoami"));
        }

        Assert.Equal(["first", "second", "first", "second"], answers);
    }

    [Fact]
    public async Task TypedInternalClientGetsItsBaseAddressFromTheServiceName()
    {
        await using var ledger = await TestApp.StartAsync(app => app.MapGet("/v1/ping", () => "pong"), serviceDefaults: false);
        await using var caller = await ClientHost.StartAsync(
            "ledger",
            [ledger.BaseAddress],
            configure: services => services.AddInternalClient<LedgerClient>("ledger"));

        var client = caller.Services.GetRequiredService<LedgerClient>();

        Assert.Equal(new Uri("http://ledger/"), client.Http.BaseAddress);
        Assert.Equal("pong", await client.Http.GetStringAsync("v1/ping"));
    }

    [Fact]
    public async Task AnHttpsPlusHttpBaseAddressUsesTheHttpEndpointWhenThereIsNoHttpsOne()
    {
        await using var ledger = await TestApp.StartAsync(app => app.MapGet("/v1/ping", () => "pong"), serviceDefaults: false);
        await using var caller = await ClientHost.StartAsync(
            "ledger",
            [ledger.BaseAddress],
            configure: services => services.AddInternalClient<LedgerClient>("ledger", "https+http://ledger/"));

        var client = caller.Services.GetRequiredService<LedgerClient>();

        Assert.Equal(new Uri("https+http://ledger/"), client.Http.BaseAddress);
        Assert.Equal("pong", await client.Http.GetStringAsync("v1/ping"));
    }

    [Fact]
    public async Task RetriedAttemptGoesToTheNextReplica()
    {
        await using var healthy = await TestApp.StartAsync(app => app.MapGet("/whoami", () => "healthy"), serviceDefaults: false);
        var closedPort = new Uri($"http://127.0.0.1:{FreePort.Closed()}");
        await using var caller = await ClientHost.StartAsync("ledger", [closedPort, healthy.BaseAddress]);

        // The first attempt is refused by the closed port (HttpRequestException, transient).
        Assert.Equal("healthy", await caller.CreateClient("ledger").GetStringAsync("/whoami"));
    }

    internal sealed class LedgerClient(HttpClient http)
    {
        public HttpClient Http { get; } = http;
    }
}
