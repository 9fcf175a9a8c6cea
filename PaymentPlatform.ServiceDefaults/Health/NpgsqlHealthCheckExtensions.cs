using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PaymentPlatform.ServiceDefaults.Health;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Health checks for the platform's dependencies.</summary>
public static class NpgsqlHealthCheckExtensions
{
    /// <summary>
    /// Adds a PostgreSQL check that runs <c>SELECT 1</c> against
    /// <c>ConnectionStrings:{connectionName}</c> (what the AppHost's <c>WithReference</c>
    /// injects as <c>ConnectionStrings__{connectionName}</c>). Tagged <c>ready</c>, so
    /// <c>/health</c> runs it and <c>/alive</c> does not.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="connectionName">The connection string's name, e.g. <c>ledgerdb</c>.</param>
    /// <param name="name">The check's name; defaults to <paramref name="connectionName"/>.</param>
    /// <param name="timeout">How long the check may take; defaults to 5 seconds.</param>
    public static IHealthChecksBuilder AddNpgsqlHealthCheck(
        this IHealthChecksBuilder builder,
        string connectionName,
        string? name = null,
        TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);

        builder.Services.AddKeyedSingleton(connectionName, (sp, _) => new NpgsqlHealthCheckDataSource(
            connectionName,
            sp.GetRequiredService<IConfiguration>().GetConnectionString(connectionName)));

        return builder.Add(new HealthCheckRegistration(
            name ?? connectionName,
            sp => new NpgsqlHealthCheck(sp.GetRequiredKeyedService<NpgsqlHealthCheckDataSource>(connectionName)),
            HealthStatus.Unhealthy,
            [Microsoft.Extensions.Hosting.Extensions.ReadyTag],
            timeout ?? TimeSpan.FromSeconds(5)));
    }
}
