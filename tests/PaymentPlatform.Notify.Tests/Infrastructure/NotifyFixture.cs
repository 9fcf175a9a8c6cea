using System.Security.Cryptography;
using Npgsql;
using PaymentPlatform.Hosting;

namespace PaymentPlatform.Notify.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL and a real Redis, started by the host as the AppHost starts them, once for the
/// assembly. Each notify instance gets a schema and a stream of its own, so tests share no state.
/// </summary>
public sealed class NotifyFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private DistributedApplication? _app;

    public string PostgresConnectionString { get; private set; } = null!;

    public string RedisConnectionString { get; private set; } = null!;

    /// <summary>The key notify encrypts secrets with in these tests (Notify:SecretsKey).</summary>
    public string SecretsKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public async Task InitializeAsync()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            ApplicationName = "notify-tests",
            IsTesting = true,
            EchoResourceLogs = false,
            HealthCheckInterval = TimeSpan.FromMilliseconds(250),
        });
        builder.AddPostgres("postgres").AddDatabase("notifydb");
        builder.AddRedis("cache");
        _app = builder.Build();
        using var cts = new CancellationTokenSource(StartTimeout);
        await _app.StartAsync(cts.Token);
        await _app.WaitForAllHealthyAsync(cts.Token);
        PostgresConnectionString = await _app.GetConnectionStringAsync("notifydb", cts.Token)
            ?? throw new InvalidOperationException("notifydb has no connection string.");
        RedisConnectionString = await _app.GetConnectionStringAsync("cache", cts.Token)
            ?? throw new InvalidOperationException("cache has no connection string.");
    }

    /// <summary>An empty schema; a notify instance migrates and uses it.</summary>
    public async Task<string> CreateSchemaAsync()
    {
        var schema = "t_" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(PostgresConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
        await create.ExecuteNonQueryAsync();
        return schema;
    }

    public string ConnectionStringFor(string schema) =>
        new NpgsqlConnectionStringBuilder(PostgresConnectionString) { SearchPath = schema }.ConnectionString;

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

/// <summary>One PostgreSQL and Redis for every test class.</summary>
[CollectionDefinition(Name)]
public sealed class NotifyCollection : ICollectionFixture<NotifyFixture>
{
    public const string Name = "Notify";
}
