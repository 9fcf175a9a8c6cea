using PaymentPlatform.Hosting;
using PaymentPlatform.Redis;

namespace PaymentPlatform.Risk.Tests;

/// <summary>
/// A real PostgreSQL (riskdb) and Redis (cache), started by the host as the AppHost starts them,
/// once for the assembly. Tests share them but not data: each makes its own ids. The collection
/// runs its tests one at a time, because the Redis-down tests stop and pause the shared Redis.
/// </summary>
public sealed class RiskFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    public DistributedApplication Host { get; private set; } = null!;

    public string RiskDb { get; private set; } = null!;

    public string Cache { get; private set; } = null!;

    /// <summary>A client of the test's own, to read the velocity keys directly.</summary>
    public RedisClient Redis { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            ApplicationName = "risk-tests",
            IsTesting = true,
            EchoResourceLogs = false,
            HealthCheckInterval = TimeSpan.FromMilliseconds(250),
        });
        builder.AddPostgres("postgres").AddDatabase("riskdb");
        builder.AddRedis("cache");
        Host = builder.Build();
        using var cts = new CancellationTokenSource(StartTimeout);
        await Host.StartAsync(cts.Token);
        await Host.WaitForAllHealthyAsync(cts.Token);
        RiskDb = await Host.GetConnectionStringAsync("riskdb", cts.Token) ?? throw new InvalidOperationException("riskdb has no connection string.");
        Cache = await Host.GetConnectionStringAsync("cache", cts.Token) ?? throw new InvalidOperationException("cache has no connection string.");
        Redis = await RedisClient.ConnectAsync(Cache + ",abortConnect=false", cts.Token);
    }

    /// <summary>Starts a risk replica on a free loopback port with the test configuration plus <paramref name="settings"/>.</summary>
    public Task<RiskReplica> StartReplicaAsync(IDictionary<string, string?>? settings = null, string? rulesFile = null, string environment = "Testing") =>
        RiskReplica.StartAsync(this, settings, rulesFile, environment);

    public async Task DisposeAsync()
    {
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RiskCollection : ICollectionFixture<RiskFixture>
{
    public const string Name = "Risk";
}
