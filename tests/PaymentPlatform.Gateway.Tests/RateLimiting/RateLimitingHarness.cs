using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PaymentPlatform.Gateway.Merchants;
using PaymentPlatform.Gateway.RateLimiting;
using PaymentPlatform.Redis;

namespace PaymentPlatform.Gateway.Tests.RateLimiting;

/// <summary>
/// One gateway replica's limiter, built through <see cref="RateLimitingExtensions.AddMerchantRateLimiting"/>
/// with its own Redis connection and its own meter, so tests share nothing but Redis.
/// </summary>
internal sealed class LimiterReplica : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, long Value, string? Policy)> _measurements = [];

    private LimiterReplica(ServiceProvider services)
    {
        _services = services;
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meterFactory) && instrument.Meter.Name == "PaymentPlatform.Gateway")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? policy = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "policy")
                {
                    policy = tag.Value as string;
                }
            }
            lock (_measurements)
            {
                _measurements.Add((instrument.Name, value, policy));
            }
        });
        _listener.Start();
        Limiter = services.GetRequiredService<MerchantRateLimiter>();
    }

    public MerchantRateLimiter Limiter { get; }

    /// <summary>Builds and starts a replica; the Redis budget is generous (2 s) unless <paramref name="settings"/> say otherwise, so a busy machine does not fail open.</summary>
    public static async Task<LimiterReplica> StartAsync(string cacheConnectionString, IDictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:RateLimiting:RedisTimeout"] = "00:00:02" })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton(_ => RedisClient.Create(RedisClientOptions.Parse(cacheConnectionString + ",abortConnect=false")))
            .AddMerchantRateLimiting();
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        // What the host would do before listening: connect and load the script.
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
        return new LimiterReplica(provider);
    }

    public ValueTask<RateLimitDecision> AcquireAsync(string merchantId, RateLimitSettings limit, long? nowMicroseconds = null) =>
        Limiter.AcquireAsync(merchantId, limit, nowMicroseconds, CancellationToken.None);

    public long Counted(string instrument, string? policy = null)
    {
        lock (_measurements)
        {
            return _measurements.Where(m => m.Instrument == instrument && (policy is null || m.Policy == policy)).Sum(m => m.Value);
        }
    }

    public async Task<HealthStatus> HealthAsync()
    {
        var report = await _services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "rate-limiter");
        return report.Entries["rate-limiter"].Status;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _services.DisposeAsync();
    }
}

internal static class TestMerchants
{
    public static string NewId() => "mer_rl" + Guid.NewGuid().ToString("N");

    /// <summary>A fixed clock far from Redis's own, in microseconds, for tests that drive time themselves.</summary>
    public static long FixedNow() => 1_000_000_000_000_000L + (Random.Shared.NextInt64(1_000_000) * 1_000_000L);
}

internal static class Poll
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string waitingFor)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }
            if (stopwatch.Elapsed > timeout)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0.#} s for {waitingFor}; last value: {value}.");
            }
            await Task.Delay(20);
        }
    }
}

/// <summary>Freezes the shared Redis (SIGSTOP) and always thaws it, waiting until it answers again.</summary>
internal static class RedisOutage
{
    public static async Task WhilePausedAsync(GatewayStores fixture, Func<Task> during)
    {
        fixture.Host.ResourceCommands.Pause("cache");
        try
        {
            await during();
        }
        finally
        {
            fixture.Host.ResourceCommands.Resume("cache");
            await Poll.UntilAsync(async () =>
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await fixture.Redis.PingAsync(timeout.Token);
                    return true;
                }
                catch (Exception ex) when (ex is RedisException or OperationCanceledException)
                {
                    return false;
                }
            }, up => up, TimeSpan.FromSeconds(30), "Redis to answer PING after the pause");
        }
    }
}
