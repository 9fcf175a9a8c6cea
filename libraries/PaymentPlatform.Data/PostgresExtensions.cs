using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PaymentPlatform.Data;

namespace Microsoft.Extensions.Hosting;

/// <summary>A service's own PostgreSQL database: one data source, a health check, and its migrations.</summary>
public static class PostgresExtensions
{
    /// <summary>
    /// Registers an <see cref="NpgsqlDataSource"/> for <c>ConnectionStrings:{connectionName}</c> (the
    /// AppHost's <c>WithReference</c>), a <c>ready</c> health check on it, and, when
    /// <paramref name="migrationsAssembly"/> is given, applies that assembly's embedded
    /// <c>Migrations/NNNN_description.sql</c> files before the service starts listening.
    /// </summary>
    public static TBuilder AddPostgresDatabase<TBuilder>(this TBuilder builder, string connectionName, Assembly? migrationsAssembly = null)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);
        var connectionString = builder.Configuration.GetConnectionString(connectionName);
        if (string.IsNullOrEmpty(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{connectionName} is not set. The AppHost hands it to the service with WithReference({connectionName}); " +
                $"to run the service alone, set the environment variable ConnectionStrings__{connectionName}.");
        }
        builder.Services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString) { Name = connectionName }.Build());
        builder.Services.AddHealthChecks().AddNpgsqlHealthCheck(connectionName);
        if (migrationsAssembly is not null)
        {
            // Hosted services start before the server listens, so /health is not healthy until migrated.
            builder.Services.AddHostedService(sp => new MigrationHostedService(
                sp.GetRequiredService<NpgsqlDataSource>(), MigrationSet.FromAssembly(migrationsAssembly), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<MigrationHostedService>>()));
        }
        return builder;
    }
}
