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
        builder.Services.AddSingleton(_ => new NpgsqlDataSourceBuilder(WithServiceDefaults(connectionString)) { Name = connectionName }.Build());
        builder.Services.AddHealthChecks().AddNpgsqlHealthCheck(connectionName);
        if (migrationsAssembly is not null)
        {
            // Hosted services start before the server listens, so /health is not healthy until migrated.
            builder.Services.AddHostedService(sp => new MigrationHostedService(
                sp.GetRequiredService<NpgsqlDataSource>(), MigrationSet.FromAssembly(migrationsAssembly), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<MigrationHostedService>>()));
        }
        return builder;
    }

    /// <summary>
    /// The pool settings every service wants unless its connection string says otherwise:
    /// <list type="bullet">
    /// <item><c>Max Auto Prepare=64</c>, <c>Auto Prepare Min Usages=2</c>: a statement run twice on a connection is
    /// prepared there, so PostgreSQL stops parsing and planning the same few dozen statements on every request
    /// (parse, analyse and plan were about a quarter of the server's CPU under load).</item>
    /// <item><c>No Reset On Close=true</c>: no <c>DISCARD ALL</c> each time a connection goes back to the pool (it
    /// was the server's most frequent statement, one per open). The services keep no session state: transactions
    /// end before a connection is returned, and the two session advisory locks (migrations, reconciliation)
    /// are released in <c>finally</c>.</item>
    /// </list>
    /// </summary>
    public static string WithServiceDefaults(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var keys = given.Keys.Cast<string>().Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant()).ToHashSet();
        var result = new NpgsqlConnectionStringBuilder(connectionString);
        if (!keys.Contains("MAXAUTOPREPARE"))
        {
            result.MaxAutoPrepare = 64;
            if (!keys.Contains("AUTOPREPAREMINUSAGES"))
            {
                result.AutoPrepareMinUsages = 2;
            }
        }
        if (!keys.Contains("NORESETONCLOSE"))
        {
            result.NoResetOnClose = true;
        }
        return result.ConnectionString;
    }
}
