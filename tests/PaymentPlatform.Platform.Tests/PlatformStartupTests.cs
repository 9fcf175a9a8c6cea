using PaymentPlatform.Hosting.Orchestration;
using PaymentPlatform.Hosting.Testing;
using Xunit.Abstractions;

namespace PaymentPlatform.Platform.Tests;

[Collection(PlatformCollection.Name)]
public class PlatformStartupTests(PlatformFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void EveryResourceOfTheAppHostIsHealthy()
    {
        output.WriteLine($"AppHost healthy in {fixture.StartupTime.TotalSeconds:0.0} s under the testing harness.");
        var resources = fixture.App.ResourceNotifications.Current;

        Assert.Equal(
            ["cache", "directory", "gateway", "ledger", "ledgerdb", "notify", "notifydb", "paymentsdb", "postgres", "risk", "riskdb"],
            resources.Select(r => r.Name));
        Assert.All(resources, r => Assert.True(r.IsHealthy, $"{r.Name} is {r.State}/{r.Health}"));
        Assert.Equal(2, resources.Single(r => r.Name == "gateway").Replicas.Count);
    }

    [Fact]
    public async Task TheGatewayAnswersThroughItsFrontDoor()
    {
        using var client = fixture.App.CreateHttpClient("gateway");

        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.True(response.IsSuccessStatusCode, $"gateway /health answered {(int)response.StatusCode}");
    }

    [Fact]
    public async Task EachServiceDatabaseIsOwnedByItsOwnRole()
    {
        foreach (var db in new[] { "paymentsdb", "ledgerdb", "notifydb", "riskdb" })
        {
            var connectionString = await fixture.App.GetConnectionStringAsync(db);

            Assert.Contains($"Username={db};", connectionString, StringComparison.Ordinal);
            Assert.Contains($"Database={db}", connectionString, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void StatesUseAspiresWellKnownNames()
    {
        Assert.All(fixture.App.ResourceNotifications.Current, r => Assert.Equal(KnownResourceStates.Running, r.State));
    }
}
