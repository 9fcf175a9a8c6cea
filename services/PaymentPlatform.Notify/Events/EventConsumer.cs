using System.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;
using PaymentPlatform.Redis;

namespace PaymentPlatform.Notify.Events;

/// <summary>
/// Reads the gateway's event stream through the consumer group <c>notify</c> (contracts.md,
/// "The event path"): records each entry in notifydb (once per event id, with its pending
/// deliveries) and only then acknowledges it. An entry whose consumer died before XACK stays pending; its own replica
/// finishes it after a restart (same consumer name), or another replica takes it over with
/// XAUTOCLAIM once it has been idle for <see cref="ConsumerOptions.ClaimMinIdle"/>.
/// </summary>
internal sealed partial class EventConsumer(
    RedisClient redis,
    ReceivedEventStore store,
    Delivery.DeliverySignal deliveries,
    IOptions<ConsumerOptions> options,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<EventConsumer> logger) : BackgroundService
{
    public static readonly ActivitySource ActivitySource = new("PaymentPlatform.Notify");

    private readonly ConsumerOptions _options = options.Value;

    public string Consumer { get; } = Infrastructure.ConsumerName.From(configuration);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var groupReady = false;
        var ownPendingFirst = true;
        var nextClaim = time.GetUtcNow();
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!groupReady)
                {
                    // Start at 0, not $: a group created after the gateway already relayed
                    // events (notify started later, or a new stream) still reads them. Once the
                    // group exists this is a no-op (BUSYGROUP) and it keeps its position.
                    await redis.StreamCreateGroupAsync(_options.Stream, _options.Group, startId: "0", createStream: true, stoppingToken);
                    groupReady = true;
                    LogConsuming(logger, _options.Stream, _options.Group, Consumer);
                }
                if (time.GetUtcNow() >= nextClaim)
                {
                    await ClaimAbandonedAsync(stoppingToken);
                    nextClaim = time.GetUtcNow() + _options.ClaimInterval;
                }

                IReadOnlyList<StreamEntry> entries;
                if (ownPendingFirst)
                {
                    // Entries delivered to this consumer name before a crash or an error, not yet acknowledged.
                    entries = await redis.StreamReadGroupAsync(_options.Stream, _options.Group, Consumer, _options.BatchSize, block: null, id: "0", stoppingToken);
                    ownPendingFirst = entries.Count > 0;
                }
                else
                {
                    var wait = TimeSpan.FromTicks(Math.Min(_options.BlockTime.Ticks, Math.Max(TimeSpan.TicksPerMillisecond, (nextClaim - time.GetUtcNow()).Ticks)));
                    entries = await redis.StreamReadGroupAsync(_options.Stream, _options.Group, Consumer, _options.BatchSize, block: wait, cancellationToken: stoppingToken);
                }
                await HandleAsync(entries, stoppingToken);
                failures = 0;
            }
            catch (RedisServerException ex) when (ex.ErrorPrefix == "NOGROUP")
            {
                // The stream or group is gone (Redis lost its data, or the key was deleted): create it again.
                LogGroupMissing(logger, _options.Stream, _options.Group);
                groupReady = false;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested && ex is NpgsqlException or RedisException or TimeoutException)
            {
                failures++;
                ownPendingFirst = true;
                var delay = TimeSpan.FromMilliseconds(Math.Min(_options.MaxErrorDelay.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(failures, 10))));
                LogConsumeFailed(logger, ex, delay.TotalMilliseconds);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Takes over, and handles, entries that other (dead) consumers left pending too long.</summary>
    private async Task ClaimAbandonedAsync(CancellationToken cancellationToken)
    {
        var start = "0-0";
        do
        {
            var result = await redis.StreamAutoClaimAsync(_options.Stream, _options.Group, Consumer, _options.ClaimMinIdle, start, _options.BatchSize, cancellationToken);
            if (result.Claimed.Count > 0)
            {
                LogClaimed(logger, result.Claimed.Count);
                await HandleAsync(result.Claimed, cancellationToken);
            }
            start = result.NextStartId;
        }
        while (start != "0-0");
    }

    /// <summary>Records the entries (one committed statement), then acknowledges them.</summary>
    internal async Task HandleAsync(IReadOnlyList<StreamEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return;
        }
        var events = new List<ReceivedEvent>(entries.Count);
        var activities = new List<Activity>(entries.Count);
        foreach (var entry in entries)
        {
            var (received, error) = ReceivedEvent.Parse(entry);
            if (received is null)
            {
                // Recording it is impossible and retrying cannot help: log it, keep it out of the
                // pending list. The stream still holds the entry for inspection.
                LogUnreadable(logger, entry.Id, error!);
                continue;
            }
            events.Add(received);
            if (StartReceiveActivity(received) is { } activity)
            {
                activities.Add(activity);
            }
        }

        try
        {
            var (recorded, pending) = await store.RecordAsync(events, cancellationToken);
            if (pending > 0)
            {
                deliveries.Notify();
            }
            await redis.StreamAcknowledgeAsync(_options.Stream, _options.Group, entries.Select(e => e.Id), cancellationToken);
            LogRecorded(logger, entries.Count, recorded, pending);
        }
        finally
        {
            foreach (var activity in activities)
            {
                activity.Dispose();
            }
        }
    }

    /// <summary>A span per event, a child of the payment's stored traceparent, so it joins the payment's trace.</summary>
    private static Activity? StartReceiveActivity(ReceivedEvent received)
    {
        ActivityContext.TryParse(received.Traceparent, null, out var parent);
        var activity = ActivitySource.StartActivity($"{received.Type} receive", ActivityKind.Consumer, parent);
        activity?.SetTag("messaging.system", "redis");
        activity?.SetTag("messaging.operation.type", "process");
        activity?.SetTag("messaging.message.id", received.EventId);
        return activity;
    }

    [LoggerMessage(EventId = 1, EventName = "EventConsumerStarted", Level = LogLevel.Information,
        Message = "Consuming stream {Stream} in group {Group} as {Consumer}")]
    private static partial void LogConsuming(ILogger logger, string stream, string group, string consumer);

    [LoggerMessage(EventId = 2, EventName = "EventsRecorded", Level = LogLevel.Debug,
        Message = "Acknowledged {Entries} stream entries; {Recorded} were new events, with {Deliveries} deliveries")]
    private static partial void LogRecorded(ILogger logger, int entries, int recorded, int deliveries);

    [LoggerMessage(EventId = 3, EventName = "EventConsumeFailed", Level = LogLevel.Warning,
        Message = "Consuming events failed; retrying in {DelayMs} ms")]
    private static partial void LogConsumeFailed(ILogger logger, Exception exception, double delayMs);

    [LoggerMessage(EventId = 4, EventName = "EventGroupMissing", Level = LogLevel.Warning,
        Message = "Stream {Stream} or group {Group} is missing; creating it again")]
    private static partial void LogGroupMissing(ILogger logger, string stream, string group);

    [LoggerMessage(EventId = 5, EventName = "EventsClaimed", Level = LogLevel.Information,
        Message = "Took over {Count} stream entries left pending by another consumer")]
    private static partial void LogClaimed(ILogger logger, int count);

    [LoggerMessage(EventId = 6, EventName = "EventUnreadable", Level = LogLevel.Error,
        Message = "Stream entry {StreamId} cannot be recorded ({Reason}); acknowledging it without recording")]
    private static partial void LogUnreadable(ILogger logger, string streamId, string reason);
}
