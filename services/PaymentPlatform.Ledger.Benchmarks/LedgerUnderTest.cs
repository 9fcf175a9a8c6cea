using System.Globalization;
using System.Net.Http.Headers;
using Npgsql;
using PaymentPlatform.Hosting;

namespace PaymentPlatform.Ledger.Benchmarks;

/// <summary>
/// PostgreSQL and the ledger as the AppHost runs them: the host's own PostgreSQL (fsync on, logged tables), the
/// ledger as a separate process from its build, with its OpenTelemetry exporting to the host's OTLP receiver.
/// </summary>
internal sealed class LedgerUnderTest : IAsyncDisposable
{
    private const string Token = "ledger-benchmark-internal-token";

    private readonly DistributedApplication _app;

    private LedgerUnderTest(DistributedApplication app, Uri ledger, string serverConnectionString)
    {
        _app = app;
        Url = ledger;
        ServerConnectionString = serverConnectionString;
    }

    public Uri Url { get; }

    /// <summary>The PostgreSQL superuser's connection string (no database): for settings, statistics and pgbench.</summary>
    public string ServerConnectionString { get; }

    public static async Task<LedgerUnderTest> StartAsync(BenchmarkOptions options)
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            ApplicationName = "ledger-benchmark",
            IsTesting = true,
            EchoResourceLogs = false,
            // Telemetry on, as in run mode: the host's OTLP receiver takes the ledger's traces, metrics and logs.
            EnableDashboard = true,
        });
        var ledgerDb = builder.AddPostgres("postgres").AddDatabase("ledgerdb");
        builder.AddProject<Projects.PaymentPlatform_Ledger>("ledger")
            .WithReference(ledgerDb).WaitFor(ledgerDb)
            .WithEnvironment("InternalApi__Token", Token)
            .WithEnvironment("Logging__LogLevel__Default", "Warning")
            .WithEnvironment("Ledger__GroupCommit__MaxWait", TimeSpan.FromMilliseconds(options.GroupWaitMs).ToString("c", CultureInfo.InvariantCulture));
        var app = builder.Build();
        using (var start = new CancellationTokenSource(TimeSpan.FromSeconds(180)))
        {
            await app.StartAsync(start.Token);
            await app.WaitForAllHealthyAsync(start.Token);
        }
        var url = app.ResourceNotifications.Get("ledger")?.Replicas[0].Url ?? throw new InvalidOperationException("The ledger has no URL.");
        var server = await app.GetConnectionStringAsync("postgres") ?? throw new InvalidOperationException("PostgreSQL has no connection string.");
        return new LedgerUnderTest(app, new Uri(url), server);
    }

    public HttpClient CreateClient()
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = Url,
            Timeout = TimeSpan.FromMinutes(5),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    public async Task<NpgsqlConnection> OpenAsync(string database)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = database, Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>The ledger's last lines of output (warnings and errors: the benchmark runs it at level Warning).</summary>
    public IEnumerable<string> RecentLogs(int count) => _app.ResourceLogs.GetLines("ledger", null, count).Select(l => l.Text);

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
