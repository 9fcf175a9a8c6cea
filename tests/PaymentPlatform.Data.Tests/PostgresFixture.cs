using Npgsql;
using PaymentPlatform.Hosting;

namespace PaymentPlatform.Data.Tests;

/// <summary>
/// A real PostgreSQL server, started by the host as the AppHost would start it, once per test
/// class. Each test gets a schema of its own, so tests share no state.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private DistributedApplication? _app;
    private readonly List<NpgsqlDataSource> _dataSources = [];

    /// <summary>The connection string a service would get: the database's own, non-superuser role.</summary>
    public string ConnectionString { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            ApplicationName = "data-tests",
            IsTesting = true,
            EchoResourceLogs = false,
            HealthCheckInterval = TimeSpan.FromMilliseconds(250),
        });
        builder.AddPostgres("postgres").AddDatabase("testdb");
        _app = builder.Build();
        using var cts = new CancellationTokenSource(StartTimeout);
        await _app.StartAsync(cts.Token);
        await _app.WaitForAllHealthyAsync(cts.Token);
        ConnectionString = await _app.GetConnectionStringAsync("testdb", cts.Token)
            ?? throw new InvalidOperationException("testdb has no connection string.");
    }

    /// <summary>Creates an empty schema and returns its name; <see cref="DataSource"/> connects to it.</summary>
    public async Task<string> CreateSchemaAsync()
    {
        var schema = "t_" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
        await create.ExecuteNonQueryAsync();
        return schema;
    }

    /// <summary>A data source (a pool of its own, as each replica has) whose search path is the schema.</summary>
    public NpgsqlDataSource DataSource(string schema)
    {
        var dataSource = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = schema }.ConnectionString).Build();
        lock (_dataSources)
        {
            _dataSources.Add(dataSource);
        }
        return dataSource;
    }

    public async Task DisposeAsync()
    {
        foreach (var dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
