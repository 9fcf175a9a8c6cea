using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using PaymentPlatform.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers a shared <see cref="RedisClient"/> the way Aspire's client integrations do.</summary>
public static class RedisHostingExtensions
{
    /// <summary>The configuration section settings are bound from.</summary>
    public const string DefaultConfigSectionName = "PaymentPlatform:Redis";

    /// <summary>
    /// Registers a <see cref="RedisClient"/> singleton for the connection string
    /// <c>ConnectionStrings:{connectionName}</c> (environment variable <c>ConnectionStrings__{connectionName}</c>),
    /// and a health check named <paramref name="connectionName"/>, tagged <c>ready</c>, that PINGs the server.
    /// The client starts connecting when first resolved.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="connectionName">The name of the connection string, such as <c>cache</c>.</param>
    /// <param name="configureSettings">Changes the settings after they are read from configuration.</param>
    /// <param name="configureOptions">Changes the client options after they are parsed from the connection string.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// Resolving the client throws <see cref="InvalidOperationException"/> when there is no
    /// connection string, and <see cref="FormatException"/> when it is malformed.
    /// </remarks>
    public static TBuilder AddRedisClient<TBuilder>(
        this TBuilder builder,
        string connectionName,
        Action<RedisClientSettings>? configureSettings = null,
        Action<RedisClientOptions>? configureOptions = null)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);

        var settings = new RedisClientSettings();
        builder.Configuration.GetSection(DefaultConfigSectionName).Bind(settings);
        builder.Configuration.GetSection($"{DefaultConfigSectionName}:{connectionName}").Bind(settings);
        if (builder.Configuration.GetConnectionString(connectionName) is { Length: > 0 } connectionString)
        {
            settings.ConnectionString = connectionString;
        }
        configureSettings?.Invoke(settings);

        builder.Services.AddSingleton(services =>
        {
            if (string.IsNullOrWhiteSpace(settings.ConnectionString))
            {
                throw new InvalidOperationException(
                    $"No Redis connection string for '{connectionName}': set 'ConnectionStrings:{connectionName}' "
                    + $"(environment variable ConnectionStrings__{connectionName}) or '{DefaultConfigSectionName}:{connectionName}:ConnectionString'.");
            }
            RedisClientOptions options = RedisClientOptions.Parse(settings.ConnectionString);
            options.DisableTracing = settings.DisableTracing;
            options.DisableMetrics = settings.DisableMetrics;
            configureOptions?.Invoke(options);
            return RedisClient.Create(options, services.GetService<ILoggerFactory>());
        });

        if (!settings.DisableHealthChecks)
        {
            builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
                connectionName,
                services => new RedisHealthCheck(services.GetRequiredService<RedisClient>()),
                failureStatus: default,
                tags: ["ready"]));
        }
        return builder;
    }
}
