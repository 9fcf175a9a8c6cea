using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Npgsql;

namespace PaymentPlatform.Gateway.Events;

/// <summary>How long events are kept (<c>Gateway:Events</c>).</summary>
public sealed class EventRetentionOptions
{
    public const string SectionName = "Gateway:Events";

    /// <summary>Events older than this are purged (contracts.md: 30 days), once relayed.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often each replica looks for events past their retention.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Rows one DELETE removes: short transactions and locks, however large the backlog.</summary>
    [Range(1, 100_000)]
    public int PurgeBatchSize { get; set; } = 1000;
}

/// <summary>
/// Purges events past their retention, a bounded batch per statement, until none are left. An event not
/// yet relayed is never purged, however old: it has not reached the stream, so notify has not seen it.
/// Rows the relay holds (<c>FOR UPDATE</c>) are skipped, not waited for. Every replica runs it; two
/// replicas purging at once skip each other's rows.
/// </summary>
internal sealed partial class EventRetention(
    NpgsqlDataSource dataSource,
    IOptions<EventRetentionOptions> options,
    TimeProvider time,
    ILogger<EventRetention> logger) : BackgroundService
{
    private readonly EventRetentionOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.PurgeInterval, time);
        do
        {
            try
            {
                var purged = await PurgeAsync(stoppingToken);
                if (purged > 0)
                {
                    LogPurged(logger, purged, _options.Retention);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested && ex is NpgsqlException or TimeoutException)
            {
                LogPurgeFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Purges batch after batch until a batch comes back short; returns how many rows went.</summary>
    internal async Task<long> PurgeAsync(CancellationToken cancellationToken)
    {
        long total = 0;
        int purged;
        do
        {
            purged = await PurgeBatchAsync(cancellationToken);
            total += purged;
        }
        while (purged == _options.PurgeBatchSize && !cancellationToken.IsCancellationRequested);
        return total;
    }

    private async Task<int> PurgeBatchAsync(CancellationToken cancellationToken)
    {
        // The cutoff is computed here (TimeProvider), not with now(), so tests and the database agree on it.
        await using var purge = dataSource.CreateCommand(
            """
            DELETE FROM events WHERE id IN (
                SELECT id FROM events
                WHERE created_at < $1 AND relayed_at IS NOT NULL
                ORDER BY created_at
                LIMIT $2
                FOR UPDATE SKIP LOCKED)
            """);
        purge.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() - _options.Retention });
        purge.Parameters.Add(new NpgsqlParameter { Value = _options.PurgeBatchSize });
        return await purge.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 1, EventName = "EventsPurged", Level = LogLevel.Information, Message = "Purged {Count} events older than {Retention}")]
    private static partial void LogPurged(ILogger logger, long count, TimeSpan retention);

    [LoggerMessage(EventId = 2, EventName = "EventPurgeFailed", Level = LogLevel.Warning, Message = "Purging old events failed; the next pass retries")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception);
}
