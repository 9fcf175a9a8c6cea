using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace PaymentPlatform.Data;

/// <summary>One schema change: <c>Migrations/NNNN_description.sql</c>, applied once, never edited after.</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    /// <summary>SHA-256 of the script: an applied migration whose file changed is an error, not a silent drift.</summary>
    public string Checksum => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n"))));
}

/// <summary>A service's migrations, in version order.</summary>
public sealed partial class MigrationSet(IReadOnlyList<Migration> migrations)
{
    public IReadOnlyList<Migration> Migrations { get; } = [.. migrations.OrderBy(m => m.Version)];

    /// <summary>Reads the embedded resources named <c>…Migrations.NNNN_description.sql</c>.</summary>
    public static MigrationSet FromAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = MigrationResource().Match(resource);
            if (!match.Success)
            {
                continue;
            }
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new Migration(int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture), match.Groups["name"].Value, reader.ReadToEnd()));
        }
        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two migrations share version {duplicate.Key:0000}: {string.Join(", ", duplicate.Select(m => m.Name))}.");
        }
        return new MigrationSet(migrations);
    }

    [GeneratedRegex(@"\.Migrations\.(?<version>\d{4})_(?<name>[A-Za-z0-9_]+)\.sql$")]
    private static partial Regex MigrationResource();
}

/// <summary>
/// Applies migrations under a PostgreSQL advisory lock, so replicas starting together do not
/// race, each in its own transaction with its record in <c>schema_migrations</c>.
/// </summary>
public static class MigrationRunner
{
    // Any constant works; it only has to be the same for every replica of every service.
    private const long AdvisoryLockKey = 0x5050_4D49_4752; // "PPMIGR"

    /// <summary>Applies what is missing; returns the versions applied now.</summary>
    public static async Task<IReadOnlyList<int>> ApplyAsync(NpgsqlDataSource dataSource, MigrationSet set, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(set);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    checksum   text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, cancellationToken).ConfigureAwait(false);
            var applied = new Dictionary<int, string>();
            await using (var query = new NpgsqlCommand("SELECT version, checksum FROM schema_migrations", connection))
            await using (var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    applied[reader.GetInt32(0)] = reader.GetString(1);
                }
            }

            var appliedNow = new List<int>();
            foreach (var migration in set.Migrations)
            {
                if (applied.TryGetValue(migration.Version, out var checksum))
                {
                    if (checksum != migration.Checksum)
                    {
                        throw new InvalidOperationException(
                            $"Migration {migration.Version:0000}_{migration.Name} was edited after it was applied (checksum {checksum[..12]}… in the database, {migration.Checksum[..12]}… in the file). " +
                            "Migrations are never edited once merged: restore the file and add a new migration instead.");
                    }
                    continue;
                }
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, migration.Sql, cancellationToken).ConfigureAwait(false);
                await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", connection))
                {
                    record.Parameters.Add(new NpgsqlParameter { Value = migration.Version });
                    record.Parameters.Add(new NpgsqlParameter { Value = migration.Name });
                    record.Parameters.Add(new NpgsqlParameter { Value = migration.Checksum });
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                appliedNow.Add(migration.Version);
            }
            return appliedNow;
        }
        finally
        {
            await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}

internal sealed class MigrationHostedService(NpgsqlDataSource dataSource, MigrationSet set, ILogger<MigrationHostedService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var applied = await MigrationRunner.ApplyAsync(dataSource, set, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Database migrations: {Applied} applied now, {Total} in all.", applied.Count, set.Migrations.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
