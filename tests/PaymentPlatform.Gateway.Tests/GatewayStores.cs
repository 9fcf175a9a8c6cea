using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PaymentPlatform.Hosting;
using PaymentPlatform.Redis;

namespace PaymentPlatform.Gateway.Tests;

/// <summary>
/// A real PostgreSQL (paymentsdb, migrated as the gateway migrates it) and Redis (cache), started by the
/// host as the AppHost starts them, once for the assembly. Tests share them but not data: each makes its
/// own ids.
/// </summary>
public sealed class GatewayStores : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    public DistributedApplication Host { get; private set; } = null!;

    public string PaymentsDb { get; private set; } = null!;

    public string Cache { get; private set; } = null!;

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public RedisClient Redis { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            ApplicationName = "gateway-tests",
            IsTesting = true,
            EchoResourceLogs = false,
            HealthCheckInterval = TimeSpan.FromMilliseconds(250),
        });
        builder.AddPostgres("postgres").AddDatabase("paymentsdb");
        builder.AddRedis("cache");
        Host = builder.Build();
        using var cts = new CancellationTokenSource(StartTimeout);
        await Host.StartAsync(cts.Token);
        await Host.WaitForAllHealthyAsync(cts.Token);
        PaymentsDb = await Host.GetConnectionStringAsync("paymentsdb", cts.Token) ?? throw new InvalidOperationException("paymentsdb has no connection string.");
        Cache = await Host.GetConnectionStringAsync("cache", cts.Token) ?? throw new InvalidOperationException("cache has no connection string.");
        DataSource = NpgsqlDataSource.Create(PaymentsDb);
        await PaymentPlatform.Data.MigrationRunner.ApplyAsync(DataSource, PaymentPlatform.Data.MigrationSet.FromAssembly(typeof(GatewayServiceCollectionExtensions).Assembly), cts.Token);
        Redis = await RedisClient.ConnectAsync(Cache + ",abortConnect=false", cts.Token);
    }

    public async Task DisposeAsync()
    {
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
        if (DataSource is not null)
        {
            await DataSource.DisposeAsync();
        }
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayStoresCollection : ICollectionFixture<GatewayStores>
{
    public const string Name = "GatewayStores";
}

/// <summary>Waiting for a condition, never for a fixed time.</summary>
internal static class Probes
{
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string waitingFor, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (stopwatch.Elapsed > limit)
            {
                throw new TimeoutException($"Waited {limit.TotalSeconds:0} s for {waitingFor}; it did not happen.");
            }
            await Task.Delay(20);
        }
    }
}
