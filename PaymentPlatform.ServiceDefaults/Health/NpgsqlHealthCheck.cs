using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace PaymentPlatform.ServiceDefaults.Health;

/// <summary>Runs a real <c>SELECT 1</c>; a missing connection string is reported rather than thrown.</summary>
internal sealed class NpgsqlHealthCheck(NpgsqlHealthCheckDataSource source) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (source.DataSource is not { } dataSource)
        {
            return new HealthCheckResult(
                context.Registration.FailureStatus,
                $"ConnectionStrings:{source.ConnectionName} is not configured.");
        }

        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            _ = await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The exception goes to logs; the description names no host or credential.
            return new HealthCheckResult(
                context.Registration.FailureStatus,
                $"PostgreSQL ({source.ConnectionName}) did not answer SELECT 1.",
                e);
        }
    }
}

/// <summary>
/// The check's own small pool (a DI singleton, disposed with the host), so a probe never
/// waits behind the service's busy pool.
/// </summary>
internal sealed class NpgsqlHealthCheckDataSource : IDisposable
{
    private readonly Lazy<NpgsqlDataSource>? dataSource;

    public NpgsqlHealthCheckDataSource(string connectionName, string? connectionString)
    {
        ConnectionName = connectionName;
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            dataSource = new Lazy<NpgsqlDataSource>(() => Create(connectionString));
        }
    }

    public string ConnectionName { get; }

    public NpgsqlDataSource? DataSource => dataSource?.Value;

    public void Dispose()
    {
        if (dataSource is { IsValueCreated: true })
        {
            dataSource.Value.Dispose();
        }
    }

    private static NpgsqlDataSource Create(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxPoolSize = 2,
            ApplicationName = "health-check",
        };
        builder.Timeout = Math.Min(builder.Timeout, 5);
        return NpgsqlDataSource.Create(builder);
    }
}
