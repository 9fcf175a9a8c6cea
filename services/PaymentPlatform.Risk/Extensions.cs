using System.Text.Json;
using PaymentPlatform.Redis;
using PaymentPlatform.Risk.Blocklist;
using PaymentPlatform.Risk.Rules;
using PaymentPlatform.Risk.Scoring;
using PaymentPlatform.Risk.Telemetry;
using PaymentPlatform.Risk.Velocity;

namespace PaymentPlatform.Risk;

public static class RiskServiceCollectionExtensions
{
    /// <summary>
    /// Risk's rules (section <c>Risk</c>, reloaded on change, checked at start), the Redis client
    /// for velocity and block-list change messages, the stores, the scorer and its telemetry.
    /// </summary>
    public static TBuilder AddRiskServices<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        services.AddOptions<RiskOptions>().BindConfiguration(RiskOptions.SectionName);

        // Risk keeps answering without Redis, so its check reports Degraded rather than the client's Unhealthy.
        builder.AddRedisClient("cache", settings => settings.DisableHealthChecks = true);
        services.AddHealthChecks().AddCheck<VelocityHealthCheck>("cache", tags: [Microsoft.Extensions.Hosting.Extensions.ReadyTag]);

        services.AddSingleton<RiskMetrics>();
        services.AddSingleton<RuleHistory>();
        services.AddSingleton<RiskPolicyProvider>();
        services.AddSingleton<BlocklistStore>();
        services.AddSingleton<BlocklistCache>();
        services.AddSingleton<VelocityCounter>();
        services.AddSingleton<RiskScorer>();
        services.AddHostedService<RiskStartup>();
        services.AddHostedService(sp => sp.GetRequiredService<BlocklistCache>());
        return builder;
    }
}

/// <summary>
/// Before the service listens: compiles the rules, so invalid configuration stops it at start,
/// records them in riskdb, and connects to Redis and loads the velocity script, so the first scoring does not pay for
/// either (and trip the Redis-down fallback by its timeout).
/// </summary>
internal sealed class RiskStartup(RiskPolicyProvider policies, RuleHistory history, RedisClient redis, VelocityCounter velocity) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await history.RecordAsync(policies.Current.Source, cancellationToken);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await redis.ScriptLoadAsync(VelocityScript.Script, timeout.Token);
        }
        catch (Exception ex) when (ex is RedisException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Start anyway: risk answers without Redis under its policy, and the probe brings velocity back.
            velocity.Open(ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
