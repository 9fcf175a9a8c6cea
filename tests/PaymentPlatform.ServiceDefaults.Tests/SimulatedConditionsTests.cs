using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using PaymentPlatform.ServiceDefaults.Simulation;

namespace PaymentPlatform.ServiceDefaults.Tests;

/// <summary>
/// Simulated latency and errors on a route (the directory's and risk's), and the internal route the fault suite
/// uses to change them while the service runs: off unless configured, behind the internal token, never in Production.
/// </summary>
public class SimulatedConditionsTests
{
    private const string Token = "simulation-test-token";

    private static Task<TestApp> StartAsync(Dictionary<string, string?> configuration, string environment = "Development")
    {
        configuration["InternalApi:Token"] = Token;
        return TestApp.StartAsync(
            app => app.MapGroup("/v1").RequireInternalToken().MapPost("/score", () => TypedResults.Ok(new { score = 1 })).WithSimulatedConditions("Test:Simulation", "score"),
            configuration: configuration,
            environment: environment);
    }

    private static HttpClient Client(TestApp app, bool withToken = true)
    {
        var client = app.CreateClient();
        if (withToken)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }
        return client;
    }

    [Fact]
    public async Task WithNothingConfiguredTheRouteRunsPlainAndTheChangeRouteDoesNotExist()
    {
        await using var app = await StartAsync([]);
        using var client = Client(app);

        using var scored = await client.PostAsync("/v1/score", null);
        using var change = await client.PutAsJsonAsync("/v1/simulated_conditions/score", new { error_rate = 1 });

        Assert.Equal(HttpStatusCode.OK, scored.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, change.StatusCode);
    }

    [Fact]
    public async Task ConditionsConfiguredAtStartApply()
    {
        await using var app = await StartAsync(new() { ["Test:Simulation:score:ErrorRate"] = "1" });
        using var client = Client(app);

        using var scored = await client.PostAsync("/v1/score", null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, scored.StatusCode);
        Assert.Equal("simulated_error", JsonDocument.Parse(await scored.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task WithRuntimeChangesOnAChangeAppliesToTheNextRequestAndCanBeUndone()
    {
        await using var app = await StartAsync(new() { [SimulatedConditions.RuntimeChangesKey] = "true" });
        using var client = Client(app);

        using var erroring = await client.PutAsJsonAsync("/v1/simulated_conditions/score", new { latency_ms = 0, error_rate = 1 });
        Assert.Equal(HttpStatusCode.OK, erroring.StatusCode);
        using (var scored = await client.PostAsync("/v1/score", null))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, scored.StatusCode);
        }

        using var slow = await client.PutAsJsonAsync("/v1/simulated_conditions/score", new { latency_ms = 300, error_rate = 0 });
        var answer = JsonDocument.Parse(await slow.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(300, answer.GetProperty("latency_ms").GetInt32());
        Assert.Equal(0, answer.GetProperty("error_rate").GetDouble());
        var stopwatch = Stopwatch.StartNew();
        using (var scored = await client.PostAsync("/v1/score", null))
        {
            Assert.Equal(HttpStatusCode.OK, scored.StatusCode);
        }
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(290), $"answered in {stopwatch.Elapsed.TotalMilliseconds:0} ms, before its simulated 300 ms");

        using var normal = await client.PutAsJsonAsync("/v1/simulated_conditions/score", new { latency_ms = 0, error_rate = 0 });
        using var listed = await client.GetAsync("/v1/simulated_conditions");
        Assert.Equal("""[{"route":"score","latency_ms":0,"error_rate":0}]""", await listed.Content.ReadAsStringAsync());
        using (var scored = await client.PostAsync("/v1/score", null))
        {
            Assert.Equal(HttpStatusCode.OK, scored.StatusCode);
        }
    }

    [Fact]
    public async Task AChangeNeedsTheInternalTokenAKnownRouteAndValuesInRange()
    {
        await using var app = await StartAsync(new() { [SimulatedConditions.RuntimeChangesKey] = "true" });
        using var client = Client(app);
        using var anonymous = Client(app, withToken: false);

        using var noToken = await anonymous.PutAsJsonAsync("/v1/simulated_conditions/score", new { error_rate = 1 });
        using var unknown = await client.PutAsJsonAsync("/v1/simulated_conditions/ledger", new { error_rate = 1 });
        using var outOfRange = await client.PutAsJsonAsync("/v1/simulated_conditions/score", new { error_rate = 2 });
        using var wrongType = await client.PutAsJsonAsync("/v1/simulated_conditions/score", new { latency_ms = "slow" });

        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, outOfRange.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.All(new[] { noToken, unknown, outOfRange, wrongType }, r => Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType));
        using var scored = await client.PostAsync("/v1/score", null);
        Assert.Equal(HttpStatusCode.OK, scored.StatusCode);
    }

    [Fact]
    public void RuntimeChangesAreRefusedInProduction()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => TestApp.Build(_ => { },
            configuration: new Dictionary<string, string?> { [SimulatedConditions.RuntimeChangesKey] = "true", ["InternalApi:Token"] = Token },
            environment: "Production"));

        Assert.Contains(SimulatedConditions.RuntimeChangesKey, ex.Message, StringComparison.Ordinal);
    }
}
