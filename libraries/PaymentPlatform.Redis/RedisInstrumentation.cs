using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PaymentPlatform.Redis;

/// <summary>
/// The names under which the client reports telemetry, for
/// <c>AddSource(RedisInstrumentation.ActivitySourceName)</c> and <c>AddMeter(RedisInstrumentation.MeterName)</c>.
/// </summary>
/// <remarks>
/// Each command gets a client span named after the command with <c>db.system=redis</c>,
/// <c>db.operation</c>, <c>server.address</c>, <c>server.port</c> and <c>db.redis.database_index</c>;
/// keys and values are never recorded. Metrics: <c>redis.client.command.duration</c> (seconds,
/// tagged with <c>db.operation</c> only), and the counters <c>redis.client.connections.opened</c>,
/// <c>redis.client.connections.lost</c> and <c>redis.client.reconnects</c> (tagged with
/// <c>redis.connection.role</c>: interactive, subscriber or blocking).
/// </remarks>
public static class RedisInstrumentation
{
    /// <summary>The name of the <see cref="ActivitySource"/> that emits one span per command.</summary>
    public const string ActivitySourceName = "PaymentPlatform.Redis";

    /// <summary>The name of the <see cref="Meter"/> with the command and connection instruments.</summary>
    public const string MeterName = "PaymentPlatform.Redis";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    internal static readonly Meter Meter = new(MeterName);

    internal static readonly Histogram<double> CommandDuration = Meter.CreateHistogram<double>(
        "redis.client.command.duration",
        unit: "s",
        description: "Time from issuing a Redis command to its reply or failure.",
        advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        });

    internal static readonly Counter<long> ConnectionsOpened = Meter.CreateCounter<long>(
        "redis.client.connections.opened", unit: "{connection}", description: "Connections opened and ready for commands.");

    internal static readonly Counter<long> ConnectionsLost = Meter.CreateCounter<long>(
        "redis.client.connections.lost", unit: "{connection}", description: "Connections that failed while in use.");

    internal static readonly Counter<long> Reconnects = Meter.CreateCounter<long>(
        "redis.client.reconnects", unit: "{connection}", description: "Connections re-established after one was lost.");
}
