using System.Globalization;
using Npgsql;
using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Hosting.Orchestration;

namespace PaymentPlatform.Hosting.Postgres;

/// <summary>
/// Runs PostgreSQL as a local process: initdb on first use (scram-sha-256), the server on a
/// loopback port with fsync on, and, as root, both as the unprivileged <c>postgres</c> user.
/// </summary>
internal sealed class PostgresRunner : ResourceRunner
{
    private readonly PostgresServerResource _server;
    private readonly EndpointAnnotation _tcp;
    private readonly string _dataDirectory;
    private ReplicaSupervisor? _replica;
    private UnixUser? _runAs;

    public PostgresRunner(PostgresServerResource server, RunContext context)
        : base(server, "PostgreSQL", context)
    {
        _server = server;
        _tcp = server.Annotations.OfType<EndpointAnnotation>().Single();
        _dataDirectory = Path.Combine(context.Data.DataDirectoryFor(server), "data");
    }

    public override IReadOnlyList<ReplicaSupervisor> Replicas => _replica is null ? [] : [_replica];

    public override string? Url => _tcp.Primary is { } e ? $"{e.Host}:{e.Port}" : null;

    public void AllocateEndpoints() =>
        _tcp.Replicas = [new AllocatedEndpoint("tcp", "127.0.0.1", Context.Ports.Allocate())];

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var postgres = Context.Binaries.Require("postgres", "postgresql");
        var initdb = Context.Binaries.Require("initdb", "postgresql");
        _runAs = ProcessLauncher.IsRoot ? UnixUser.Require("postgres",
            "PostgreSQL refuses to run as root, so the host runs it as the 'postgres' user, which does not exist here. Install the server package (apt-get install -y postgresql), which creates it.") : null;

        await InitializeAsync(initdb, cancellationToken).ConfigureAwait(false);

        _replica = CreateSupervisor(new ReplicaDefinition(
            _server.Name, 0,
            () => _tcp.Replicas[0],
            _ => Task.FromResult(new ProcessSpec(
                postgres,
                ["-D", _dataDirectory,
                 "-c", "listen_addresses=127.0.0.1",
                 "-c", $"port={_tcp.Replicas[0].Port.ToString(CultureInfo.InvariantCulture)}",
                 // No Unix socket: its default folder belongs to the distribution's own cluster.
                 "-c", "unix_socket_directories=",
                 "-c", "max_connections=300",
                 "-c", "password_encryption=scram-sha-256"],
                new Dictionary<string, string>(),
                _dataDirectory,
                // SIGINT is PostgreSQL's fast shutdown: clean, and quick even with clients connected.
                PosixSignalNumber.Interrupt,
                _runAs?.Name)),
            ProbeAsync,
            PosixSignalNumber.Interrupt,
            () => MoveToFreshPort(_tcp, 0)));
        _replica.Start();
    }

    public override Task StopAsync() => _replica?.StopAsync() ?? Task.CompletedTask;

    private async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        var connectionString = await _server.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false;Timeout=2");
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is 1;
    }

    private async Task InitializeAsync(string initdb, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(_dataDirectory, "PG_VERSION")))
        {
            CheckExistingDataDirectory(initdb);
            return;
        }
        if (Directory.Exists(_dataDirectory) && Directory.EnumerateFileSystemEntries(_dataDirectory).Any())
        {
            throw new DistributedApplicationException(
                $"'{_dataDirectory}' is not empty but holds no PostgreSQL cluster (no PG_VERSION). Empty or remove that folder, or point AppHost:DataDirectory elsewhere.");
        }

        var parent = Path.GetDirectoryName(_dataDirectory)!;
        DataLayout.CreateTraversable(parent);
        Directory.CreateDirectory(_dataDirectory);
        File.SetUnixFileMode(_dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var passwordFile = Path.Combine(parent, "initdb-password");
        var password = await _server.PasswordParameter.GetValueAsync(cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(passwordFile, password, cancellationToken).ConfigureAwait(false);
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            _runAs?.Own(_dataDirectory);
            _runAs?.Own(passwordFile);
            var exitCode = await RunToCompletionAsync(initdb,
                ["-D", _dataDirectory, "-U", PostgresServerResource.SuperUserName, $"--pwfile={passwordFile}",
                 "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions"],
                cancellationToken).ConfigureAwait(false);
            if (exitCode != 0)
            {
                var lines = Context.Logs.GetLines(_server.Name, 0, 15);
                throw new DistributedApplicationException(
                    $"initdb failed with exit code {exitCode} for '{_dataDirectory}'. Its output:{Environment.NewLine}{string.Join(Environment.NewLine, lines.Select(l => "  " + l.Text))}");
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private void CheckExistingDataDirectory(string initdb)
    {
        var clusterVersion = File.ReadAllText(Path.Combine(_dataDirectory, "PG_VERSION")).Trim();
        var binaryVersion = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(initdb)));
        if (int.TryParse(binaryVersion, out _) && binaryVersion != clusterVersion)
        {
            throw new DistributedApplicationException(
                $"The kept PostgreSQL data in '{_dataDirectory}' is version {clusterVersion}, but the server found is version {binaryVersion}. " +
                $"Install postgresql-{clusterVersion}, or remove that folder to start afresh (its data is lost).");
        }
    }

    private async Task<int> RunToCompletionAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        using var process = await Context.Launcher.StartAsync(new ProcessSpec(
            program, arguments, new Dictionary<string, string>(), Path.GetDirectoryName(_dataDirectory)!, PosixSignalNumber.Terminate, _runAs?.Name)).ConfigureAwait(false);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { Context.Logs.Append(_server.Name, 0, e.Data, false); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Context.Logs.Append(_server.Name, 0, e.Data, true); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>
    /// Creates the database and its owning login role, or brings the role's password in line
    /// with the kept secret. The role owns only this database; other roles cannot connect to it.
    /// </summary>
    public async Task EnsureDatabaseAsync(PostgresDatabaseResource database, CancellationToken cancellationToken)
    {
        var connectionString = await _server.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false);
        var password = await database.RolePasswordParameter.GetValueAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false;Timeout=5");
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var role = Quote(database.RoleName);
        var literalPassword = "'" + password!.Replace("'", "''", StringComparison.Ordinal) + "'";

        var roleExists = await ScalarAsync(connection, "SELECT count(*) FROM pg_roles WHERE rolname = $1", database.RoleName, cancellationToken).ConfigureAwait(false) > 0;
        await ExecuteAsync(connection, roleExists
            ? $"ALTER ROLE {role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {literalPassword}"
            : $"CREATE ROLE {role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {literalPassword}", cancellationToken).ConfigureAwait(false);

        var databaseExists = await ScalarAsync(connection, "SELECT count(*) FROM pg_database WHERE datname = $1", database.DatabaseName, cancellationToken).ConfigureAwait(false) > 0;
        if (!databaseExists)
        {
            await ExecuteAsync(connection, $"CREATE DATABASE {Quote(database.DatabaseName)} OWNER {role}", cancellationToken).ConfigureAwait(false);
        }
        await ExecuteAsync(connection, $"REVOKE ALL ON DATABASE {Quote(database.DatabaseName)} FROM PUBLIC", cancellationToken).ConfigureAwait(false);
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, string parameter, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = parameter } } };
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>A database: ready once its server is healthy and it and its role exist; healthy while its role can connect.</summary>
internal sealed class PostgresDatabaseRunner(PostgresDatabaseResource database, PostgresRunner server, RunContext context)
    : ResourceRunner(database, "PostgreSQLDatabase", context)
{
    private CancellationTokenSource? _monitoring;
    private Task? _monitor;
    private ResourceHealth _health = ResourceHealth.Unknown;

    public override string? Url => server.Url is { } url ? $"{url}/{database.DatabaseName}" : null;

    protected override ResourceHealth OwnHealth => _health;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        SetState(KnownResourceStates.Starting);
        await server.EnsureDatabaseAsync(database, cancellationToken).ConfigureAwait(false);
        _monitoring = new CancellationTokenSource();
        _monitor = MonitorAsync(_monitoring.Token);
        SetState(KnownResourceStates.Running);
    }

    public override async Task StopAsync()
    {
        if (_monitoring is not null)
        {
            await _monitoring.CancelAsync().ConfigureAwait(false);
            await _monitor!.ConfigureAwait(false);
        }
        SetState(KnownResourceStates.Finished);
    }

    private async Task MonitorAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            ResourceHealth health;
            try
            {
                var connectionString = await database.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false);
                await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false;Timeout=2");
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                health = ResourceHealth.Healthy;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
            {
                health = ResourceHealth.Unhealthy;
            }
            if (health != _health)
            {
                _health = health;
                Publish();
            }
            try
            {
                await Task.Delay(health == ResourceHealth.Healthy ? Context.Options.HealthCheckInterval : TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
