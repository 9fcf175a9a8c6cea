using Npgsql;
using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Hosting.Testing;

namespace PaymentPlatform.Load.Targets;

/// <summary>
/// The whole platform as PaymentPlatform.AppHost declares it (two gateway replicas behind the front
/// door, PostgreSQL with fsync on, Redis with appendfsync always), started through the testing
/// harness with the dashboard's OTLP receiver on, so every service exports telemetry as under
/// ./run.sh. The notes report what was actually running, read back from the platform.
/// </summary>
public sealed class PlatformTarget : ILoadTarget
{
    public const string AdminKeyParameter = "gateway-admin-key";
    public const string InternalTokenParameter = "internal-token";
    private const string Gateway = "gateway";

    private readonly IDistributedApplicationTestingBuilder _builder;
    private readonly DistributedApplication _app;

    private PlatformTarget(IDistributedApplicationTestingBuilder builder, DistributedApplication app, Uri baseAddress, string adminKey, string serverConnectionString, IReadOnlyList<string> notes)
    {
        _builder = builder;
        _app = app;
        BaseAddress = baseAddress;
        AdminKey = adminKey;
        ServerConnectionString = serverConnectionString;
        Notes = notes;
    }

    /// <summary>The PostgreSQL server's superuser connection string (no database): for the pgbench ceiling.</summary>
    public string ServerConnectionString { get; }

    /// <summary>Every running process of the platform now: resource, replica and process id (PostgreSQL's is its postmaster).</summary>
    public IReadOnlyList<(string Resource, int Replica, int ProcessId)> Processes() =>
        [.. _app.ResourceNotifications.Current
            .SelectMany(r => r.Replicas.Where(p => p.ProcessId is not null).Select(p => (r.Name, p.Index, p.ProcessId!.Value)))];

    /// <summary>The running platform: the fault suite's lifecycle commands and health come from its host.</summary>
    public DistributedApplication App => _app;

    public Uri BaseAddress { get; }

    public string Description => "PaymentPlatform.AppHost's graph, started by the generator through the testing harness (DistributedApplicationTestingBuilder)";

    public IReadOnlyList<string> Notes { get; }

    public string? AdminKey { get; }

    /// <param name="configure">Changes to the AppHost's graph before it starts (the fault suite turns on the services' simulated conditions).</param>
    public static async Task<PlatformTarget> StartAsync(TimeSpan timeout, CancellationToken cancellationToken, Action<IDistributedApplicationTestingBuilder>? configure = null)
    {
        // Telemetry on, as under ./run.sh: the testing default turns the dashboard's receiver off.
        var builder = await DistributedApplicationTestingBuilder
            .CreateAsync<Projects.PaymentPlatform_AppHost>([], options => options with { EnableDashboard = true }, cancellationToken)
            .ConfigureAwait(false);
        try
        {
            configure?.Invoke(builder);
            var app = await builder.BuildAsync(cancellationToken).ConfigureAwait(false);
            await app.StartAndWaitForHealthyAsync(timeout).ConfigureAwait(false);
            var adminKey = await ReadAdminKeyAsync(app, cancellationToken).ConfigureAwait(false);
            var notes = await DescribeAsync(app, cancellationToken).ConfigureAwait(false);
            var server = await app.GetConnectionStringAsync("postgres", cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The AppHost's 'postgres' server has no connection string.");
            return new PlatformTarget(builder, app, app.GetEndpoint(Gateway), adminKey, server, notes)
            {
                Access = await ReadAccessAsync(app, cancellationToken).ConfigureAwait(false),
            };
        }
        catch
        {
            await builder.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => _builder.DisposeAsync();

    /// <summary>The ledger's internal API (with the AppHost's internal token) and the dashboard's telemetry API, for the end-of-run verification.</summary>
    public Verification.PlatformAccess Access { get; private init; } = Verification.PlatformAccess.None;

    private static async Task<Verification.PlatformAccess> ReadAccessAsync(DistributedApplication app, CancellationToken cancellationToken)
    {
        var token = app.Model.Resources.Any(r => r.Name == InternalTokenParameter)
            ? await ((ParameterResource)app.Model.Find(InternalTokenParameter)).GetValueAsync(cancellationToken).ConfigureAwait(false)
            : null;
        return new Verification.PlatformAccess(app.GetEndpoint("ledger"), token, app.Dashboard?.Url, app.Dashboard?.BrowserToken);
    }

    private static async Task<string> ReadAdminKeyAsync(DistributedApplication app, CancellationToken cancellationToken)
    {
        if (!app.Model.Resources.Any(r => r.Name == AdminKeyParameter))
        {
            throw new InvalidOperationException(
                $"The AppHost declares no '{AdminKeyParameter}' parameter, so the generator cannot create its merchants. It arrives with the gateway's merchant API.");
        }
        return await ((ParameterResource)app.Model.Find(AdminKeyParameter)).GetValueAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The '{AdminKeyParameter}' parameter has no value.");
    }

    private static async Task<IReadOnlyList<string>> DescribeAsync(DistributedApplication app, CancellationToken cancellationToken)
    {
        var gateway = app.ResourceNotifications.Get(Gateway);
        var notes = new List<string>
        {
            $"gateway: {gateway?.Replicas.Count ?? 0} replicas ({string.Join(", ", gateway?.Replicas.Select(r => r.Url) ?? [])}) behind the front door {app.GetEndpoint(Gateway)}",
            app.Dashboard is null ? "telemetry: OFF (no dashboard receiver)" : $"telemetry: on, every service exports OTLP/HTTP to the host's dashboard ({app.Dashboard.Url})",
            "data: throwaway (testing defaults: random ports, fresh data directories, generated secrets)",
        };
        await using var connection = new NpgsqlConnection(await app.GetConnectionStringAsync("paymentsdb", cancellationToken).ConfigureAwait(false));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var settings = new List<string>();
        foreach (var setting in new[] { "fsync", "synchronous_commit", "wal_sync_method", "full_page_writes" })
        {
            await using var command = new NpgsqlCommand($"SHOW {setting}", connection);
            settings.Add($"{setting}={await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false)}");
        }
        notes.Add($"PostgreSQL (read back): {string.Join(", ", settings)}");
        notes.Add("Redis: appendonly yes, appendfsync always (the host's fixed configuration)");
        return notes;
    }
}
