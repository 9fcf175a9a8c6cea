using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PaymentPlatform.ServiceDefaults.Tests;

public class HealthEndpointTests
{
    private static Task<TestApp> StartAsync(string environment, HealthStatus database) => TestApp.StartAsync(
        _ => { },
        builder => builder.Services.AddHealthChecks()
            .AddCheck("database", () => new HealthCheckResult(database, "test database"), [Extensions.ReadyTag]),
        environment: environment);

    [Fact]
    public async Task AliveRunsOnlyLiveChecksWhileHealthRunsThemAll()
    {
        await using var app = await StartAsync("Production", HealthStatus.Unhealthy);
        var client = app.CreateClient();

        using var health = await client.GetAsync("/health");
        using var alive = await client.GetAsync("/alive");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("Unhealthy", await health.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal("Healthy", await alive.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OutsideDevelopmentTheAnswerIsPlainTextWithoutDetail()
    {
        await using var app = await StartAsync("Production", HealthStatus.Healthy);

        using var health = await app.CreateClient().GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("text/plain", health.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task InDevelopmentTheAnswerShowsEachChecksStatusAndDuration()
    {
        await using var app = await StartAsync("Development", HealthStatus.Degraded);
        var client = app.CreateClient();

        using var health = JsonDocument.Parse(await client.GetStringAsync("/health"));
        using var alive = JsonDocument.Parse(await client.GetStringAsync("/alive"));

        var entries = health.RootElement.GetProperty("entries");
        Assert.Equal("Degraded", health.RootElement.GetProperty("status").GetString());
        Assert.Equal("Healthy", entries.GetProperty("self").GetProperty("status").GetString());
        Assert.Equal("Degraded", entries.GetProperty("database").GetProperty("status").GetString());
        Assert.True(entries.GetProperty("database").GetProperty("durationMs").GetDouble() >= 0);
        Assert.Equal(["self"], alive.RootElement.GetProperty("entries").EnumerateObject().Select(p => p.Name).ToArray());
    }

    [Fact]
    public async Task PostgresCheckReportsAMissingConnectionStringWithoutThrowing()
    {
        await using var app = await TestApp.StartAsync(
            _ => { },
            builder => builder.Services.AddHealthChecks().AddNpgsqlHealthCheck("ledgerdb"),
            environment: "Development");

        using var response = await app.CreateClient().GetAsync("/health");
        using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var check = health.RootElement.GetProperty("entries").GetProperty("ledgerdb");
        Assert.Equal("Unhealthy", check.GetProperty("status").GetString());
        Assert.Equal("ConnectionStrings:ledgerdb is not configured.", check.GetProperty("description").GetString());
        Assert.Equal(["ready"], check.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToArray());
    }

    [Fact]
    public async Task PostgresCheckReportsAServerThatDoesNotAnswer()
    {
        await using var app = await TestApp.StartAsync(
            _ => { },
            builder => builder.Services.AddHealthChecks().AddNpgsqlHealthCheck("ledgerdb"),
            new Dictionary<string, string?>
            {
                ["ConnectionStrings:ledgerdb"] = $"Host=127.0.0.1;Port={FreePort.Closed()};Username=ledger;Password=secret-pw;Database=ledgerdb",
            },
            environment: "Development");
        var client = app.CreateClient();

        using var response = await client.GetAsync("/health");
        var body = await response.Content.ReadAsStringAsync();
        using var alive = await client.GetAsync("/alive");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("PostgreSQL (ledgerdb) did not answer SELECT 1.", body);
        Assert.DoesNotContain("secret-pw", body);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }
}
