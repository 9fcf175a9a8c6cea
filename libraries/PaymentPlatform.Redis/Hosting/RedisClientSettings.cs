namespace PaymentPlatform.Redis;

/// <summary>
/// Settings for <c>AddRedisClient</c>, bound from the configuration section
/// <c>PaymentPlatform:Redis</c> and then <c>PaymentPlatform:Redis:{connectionName}</c>.
/// </summary>
public sealed class RedisClientSettings
{
    /// <summary>
    /// The connection string; <c>ConnectionStrings:{connectionName}</c> (environment variable
    /// <c>ConnectionStrings__{connectionName}</c>, as Aspire sets it) takes precedence.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Whether to skip the health check that PINGs the server.</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>Whether to skip the per-command spans.</summary>
    public bool DisableTracing { get; set; }

    /// <summary>Whether to skip the command and connection metrics.</summary>
    public bool DisableMetrics { get; set; }
}
