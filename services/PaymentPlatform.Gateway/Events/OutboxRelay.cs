using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using PaymentPlatform.Redis;
using PaymentPlatform.ServiceDefaults.Failpoints;

namespace PaymentPlatform.Gateway.Events;

/// <summary>
/// Moves outbox rows to the Redis stream (contracts.md, "The event path"). Every replica runs
/// one: each claims rows with <c>FOR UPDATE SKIP LOCKED</c>, so replicas never relay the same
/// row at once, XADDs them, and marks them relayed only after Redis answered. A crash between
/// the XADD and the commit releases the rows unmarked, and they are sent again: delivery is
/// at least once, and notify drops the duplicates by event id.
/// </summary>
internal sealed partial class OutboxRelay(
    NpgsqlDataSource dataSource,
    RedisClient redis,
    Failpoints failpoints,
    RelaySignal signal,
    IOptions<RelayOptions> options,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    public const string AfterXaddFailpoint = "GatewayRelayAfterXadd";

    private readonly RelayOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            int relayed;
            try
            {
                relayed = await RelayBatchAsync(stoppingToken);
                failures = 0;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested && ex is NpgsqlException or RedisException or TimeoutException)
            {
                failures++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(_options.MaxErrorDelay.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(failures, 10))));
                LogRelayFailed(logger, ex, delay.TotalMilliseconds);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            if (relayed < _options.BatchSize)
            {
                // Idle or drained: wait for a local commit or the poll interval.
                await ((Task)signal.WaitAsync(_options.IdleDelay, stoppingToken)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Relays up to one batch in one transaction; returns how many rows it relayed.</summary>
    internal async Task<int> RelayBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var claimed = new List<(string Id, KeyValuePair<string, RedisValue>[] Fields)>();
        await using (var claim = new NpgsqlCommand(
            """
            SELECT id, type, merchant_id, payload::text, traceparent, created_at
            FROM events
            WHERE relayed_at IS NULL
            ORDER BY created_at, seq
            LIMIT $1
            FOR UPDATE SKIP LOCKED
            """, connection, transaction))
        {
            claim.Parameters.Add(new NpgsqlParameter { Value = _options.BatchSize });
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetString(0);
                claimed.Add((id,
                [
                    new("event_id", id),
                    new("type", reader.GetString(1)),
                    new("merchant_id", reader.GetString(2)),
                    new("payload", reader.GetString(3)),
                    new("traceparent", reader.IsDBNull(4) ? "" : reader.GetString(4)),
                    new("created_at", reader.GetFieldValue<DateTimeOffset>(5).ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)),
                ]));
            }
        }
        if (claimed.Count == 0)
        {
            return 0;
        }

        // One entry per event, in claim order. No MAXLEN: trimming could drop entries notify
        // has not read yet, and Redis runs with noeviction.
        foreach (var (_, fields) in claimed)
        {
            await redis.StreamAddAsync(_options.Stream, fields, cancellationToken: cancellationToken);
        }
        await failpoints.HitAsync(AfterXaddFailpoint, cancellationToken);

        await using (var mark = new NpgsqlCommand("UPDATE events SET relayed_at = now() WHERE id = ANY($1)", connection, transaction))
        {
            mark.Parameters.Add(new NpgsqlParameter { Value = claimed.Select(c => c.Id).ToArray() });
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        LogRelayed(logger, claimed.Count);
        return claimed.Count;
    }

    [LoggerMessage(EventId = 1, EventName = "OutboxRelayed", Level = LogLevel.Debug, Message = "Relayed {Count} events to the stream")]
    private static partial void LogRelayed(ILogger logger, int count);

    [LoggerMessage(EventId = 2, EventName = "OutboxRelayFailed", Level = LogLevel.Warning, Message = "Relaying events failed; retrying in {DelayMs} ms")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception, double delayMs);
}
