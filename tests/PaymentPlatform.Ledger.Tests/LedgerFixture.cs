using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using PaymentPlatform.Hosting;

namespace PaymentPlatform.Ledger.Tests;

/// <summary>
/// The ledger service in-process (WebApplicationFactory) over a real PostgreSQL that the host starts, as the
/// AppHost would, once per test class: each class has a database of its own; each test makes its own ids.
/// </summary>
public class LedgerFixture : IAsyncLifetime
{
    public const string Token = "ledger-tests-internal-token";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private DistributedApplication? _postgres;
    private WebApplicationFactory<Program>? _baseFactory;
    private WebApplicationFactory<Program>? _factory;

    /// <summary>The ledger's connection string: the database's own, non-superuser role.</summary>
    public string ConnectionString { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            ApplicationName = "ledger-tests",
            IsTesting = true,
            EchoResourceLogs = false,
            HealthCheckInterval = TimeSpan.FromMilliseconds(250),
        });
        builder.AddPostgres("postgres").AddDatabase("ledgerdb");
        _postgres = builder.Build();
        using var cts = new CancellationTokenSource(StartTimeout);
        await _postgres.StartAsync(cts.Token);
        await _postgres.WaitForAllHealthyAsync(cts.Token);
        ConnectionString = await _postgres.GetConnectionStringAsync("ledgerdb", cts.Token)
            ?? throw new InvalidOperationException("ledgerdb has no connection string.");

        _baseFactory = new WebApplicationFactory<Program>();
        _factory = _baseFactory.WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:ledgerdb", ConnectionString)
                .UseSetting("InternalApi:Token", Token)
                // Holds that time out are released within a fraction of a second, so expiry tests poll briefly.
                .UseSetting("Ledger:HoldExpiry:Interval", "00:00:00.200")
                // Tests run reconciliation themselves (GET /v1/reconciliation), so each run's counts are theirs.
                .UseSetting("Ledger:Reconciliation:Interval", "01:00:00");
            foreach (var (key, value) in Settings)
            {
                web.UseSetting(key, value);
            }
        });
        using var client = CreateClient();
        // The first request starts the host, which applies the migrations.
        (await client.GetAsync(new Uri("/v1/reconciliation", UriKind.Relative), cts.Token)).EnsureSuccessStatusCode();
    }

    /// <summary>Configuration a fixture adds to the ledger's (failpoints, group commit settings).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> Settings => [];

    /// <summary>The running ledger's services, to read its diagnostics.</summary>
    public IServiceProvider Services => _factory!.Services;

    /// <summary>A client carrying the internal token, as another service calls the ledger.</summary>
    public HttpClient CreateClient(bool withToken = true)
    {
        var client = _factory!.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(120);
        if (withToken)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }
        return client;
    }

    public async Task<NpgsqlConnection> OpenConnectionAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public virtual async Task DisposeAsync()
    {
        if (_baseFactory is not null)
        {
            // Disposes the derived factory (the running ledger) too.
            await _baseFactory.DisposeAsync();
        }
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
