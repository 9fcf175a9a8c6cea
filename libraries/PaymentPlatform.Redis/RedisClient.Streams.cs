namespace PaymentPlatform.Redis;

public sealed partial class RedisClient
{
    /// <summary>
    /// Appends an entry to a stream (XADD), creating the stream if needed, and returns the
    /// entry's ID. With <paramref name="maxLength"/> the stream is trimmed in the same call
    /// (MAXLEN, approximately by default: <c>MAXLEN ~</c>, which is much cheaper).
    /// </summary>
    /// <exception cref="ArgumentException">No fields were given.</exception>
    public async Task<string> StreamAddAsync(
        string key,
        IEnumerable<KeyValuePair<string, RedisValue>> fields,
        long? maxLength = null,
        bool approximateMaxLength = true,
        string id = "*",
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(id);
        var prefix = new List<RedisValue> { key };
        if (maxLength is { } length)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(length, nameof(maxLength));
            prefix.Add("MAXLEN");
            if (approximateMaxLength)
            {
                prefix.Add("~");
            }
            prefix.Add(length);
        }
        prefix.Add(id);
        RedisValue[] arguments = FieldArguments(fields, nameof(fields), [.. prefix]);
        return (string)(await ExecuteCoreAsync("XADD", arguments, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// Reads entries for a consumer in a group (XREADGROUP GROUP ... COUNT ... STREAMS key id).
    /// With the default ID <c>&gt;</c> it reads entries never delivered to the group and adds
    /// them to the consumer's pending list; with <c>0</c> it re-reads the consumer's own pending entries.
    /// </summary>
    /// <param name="key">The stream.</param>
    /// <param name="group">The consumer group.</param>
    /// <param name="consumer">This consumer's name within the group.</param>
    /// <param name="count">The most entries to return.</param>
    /// <param name="block">
    /// How long to wait for entries when there are none. Null or zero: do not wait (the read
    /// goes over the shared connection). Positive: BLOCK, on a dedicated connection so the
    /// shared one keeps serving other callers; the call's timeout is this plus the command
    /// timeout. <see cref="Timeout.InfiniteTimeSpan"/>: wait until entries arrive or the token is
    /// cancelled. Cancelling closes the dedicated connection; if the server delivered entries at
    /// that instant they stay pending, for <see cref="StreamAutoClaimAsync"/> to recover.
    /// </param>
    /// <param name="id">The ID to read after; <c>&gt;</c> for new entries.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries; empty when there were none (or the block time passed).</returns>
    /// <exception cref="RedisServerException">NOGROUP: the group or stream does not exist.</exception>
    public async Task<IReadOnlyList<StreamEntry>> StreamReadGroupAsync(
        string key,
        string group,
        string consumer,
        int count = 10,
        TimeSpan? block = null,
        string id = ">",
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        RedisResult reply;
        if (block is not { } wait || wait == TimeSpan.Zero)
        {
            reply = await ExecuteCoreAsync("XREADGROUP", ["GROUP", group, consumer, "COUNT", count, "STREAMS", key, id], cancellationToken)
                .ConfigureAwait(false);
        }
        else
        {
            if (wait < TimeSpan.Zero && wait != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(block), block, "The block time must be positive, zero, or Timeout.InfiniteTimeSpan.");
            }
            long milliseconds = wait == Timeout.InfiniteTimeSpan ? 0 : Math.Max(1, (long)wait.TotalMilliseconds);
            reply = await ExecuteBlockingAsync(
                "XREADGROUP",
                ["GROUP", group, consumer, "COUNT", count, "BLOCK", milliseconds, "STREAMS", key, id],
                wait,
                cancellationToken).ConfigureAwait(false);
        }
        if (reply.IsNull)
        {
            return [];
        }
        // RESP2: [[key, entries]]; RESP3: a map {key: entries}, whose elements are key, entries.
        RedisResult entries = reply.Type == RedisResultType.Map ? reply[1] : reply[0][1];
        return StreamEntry.ListFrom(entries);
    }

    /// <summary>Acknowledges a processed entry (XACK), removing it from the group's pending list; true if it was pending.</summary>
    public async Task<bool> StreamAcknowledgeAsync(string key, string group, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentException.ThrowIfNullOrEmpty(id);
        return (long)await ExecuteCoreAsync("XACK", [key, group, id], cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Acknowledges processed entries (XACK) and returns how many were pending.</summary>
    public async Task<long> StreamAcknowledgeAsync(string key, string group, IEnumerable<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(group);
        RedisValue[] arguments = KeysArguments(ids, nameof(ids), key, group);
        return (long)await ExecuteCoreAsync("XACK", arguments, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes over entries another consumer left pending for at least <paramref name="minIdleTime"/>
    /// (XAUTOCLAIM), scanning from <paramref name="start"/>. Call again with
    /// <see cref="StreamAutoClaimResult.NextStartId"/> until it is <c>0-0</c> to scan the whole list.
    /// </summary>
    public async Task<StreamAutoClaimResult> StreamAutoClaimAsync(
        string key,
        string group,
        string consumer,
        TimeSpan minIdleTime,
        string start = "0-0",
        int count = 100,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        ArgumentException.ThrowIfNullOrEmpty(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(minIdleTime, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        RedisResult reply = await ExecuteCoreAsync(
            "XAUTOCLAIM",
            [key, group, consumer, (long)minIdleTime.TotalMilliseconds, start, "COUNT", count],
            cancellationToken).ConfigureAwait(false);
        // Redis 7 adds a third element: IDs that were pending but no longer exist in the stream.
        IReadOnlyList<string> deleted = reply.Elements.Count > 2
            ? reply[2].Elements.Select(e => (string)e!).ToArray()
            : [];
        return new StreamAutoClaimResult((string)reply[0]!, StreamEntry.ListFrom(reply[1]), deleted);
    }

    /// <summary>Summarises a group's pending entries (XPENDING key group).</summary>
    public async Task<StreamPendingSummary> StreamPendingAsync(string key, string group, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(group);
        RedisResult reply = await ExecuteCoreAsync("XPENDING", [key, group], cancellationToken).ConfigureAwait(false);
        IReadOnlyList<StreamConsumerPending> consumers = reply[3].IsNull
            ? []
            : reply[3].Elements.Select(c => new StreamConsumerPending((string)c[0]!, (long)c[1])).ToArray();
        return new StreamPendingSummary((long)reply[0], (string?)reply[1], (string?)reply[2], consumers);
    }

    /// <summary>
    /// Lists a group's pending entries with their owner, idle time and delivery count
    /// (XPENDING key group [IDLE ms] start end count [consumer]).
    /// </summary>
    public async Task<IReadOnlyList<StreamPendingEntry>> StreamPendingEntriesAsync(
        string key,
        string group,
        int count = 100,
        string start = "-",
        string end = "+",
        string? consumer = null,
        TimeSpan? minIdleTime = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentException.ThrowIfNullOrEmpty(start);
        ArgumentException.ThrowIfNullOrEmpty(end);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var arguments = new List<RedisValue> { key, group };
        if (minIdleTime is { } idle)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(idle, TimeSpan.Zero, nameof(minIdleTime));
            arguments.AddRange(["IDLE", (long)idle.TotalMilliseconds]);
        }
        arguments.AddRange([start, end, count]);
        if (consumer is not null)
        {
            arguments.Add(consumer);
        }
        RedisResult reply = await ExecuteCoreAsync("XPENDING", [.. arguments], cancellationToken).ConfigureAwait(false);
        return reply.Elements
            .Select(e => new StreamPendingEntry((string)e[0]!, (string)e[1]!, TimeSpan.FromMilliseconds((long)e[2]), (long)e[3]))
            .ToArray();
    }

    /// <summary>
    /// Creates a consumer group (XGROUP CREATE), by default with MKSTREAM so the stream is
    /// created if missing. Returns false, instead of throwing BUSYGROUP, when the group exists.
    /// </summary>
    /// <param name="key">The stream.</param>
    /// <param name="group">The group name.</param>
    /// <param name="startId">Where the group starts reading: <c>$</c> for new entries only, <c>0</c> for the whole stream.</param>
    /// <param name="createStream">Whether to create the stream if it does not exist (MKSTREAM).</param>
    /// <param name="cancellationToken">Cancels the wait for the reply.</param>
    public async Task<bool> StreamCreateGroupAsync(
        string key, string group, string startId = "$", bool createStream = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentException.ThrowIfNullOrEmpty(startId);
        RedisValue[] arguments = createStream ? ["CREATE", key, group, startId, "MKSTREAM"] : ["CREATE", key, group, startId];
        try
        {
            await ExecuteCoreAsync("XGROUP", arguments, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RedisServerException ex) when (ex.ErrorPrefix == "BUSYGROUP")
        {
            return false;
        }
    }

    /// <summary>Trims a stream to about <paramref name="maxLength"/> entries (XTRIM MAXLEN ~) and returns how many were removed.</summary>
    /// <param name="key">The stream.</param>
    /// <param name="maxLength">The length to trim to.</param>
    /// <param name="approximate">Whether Redis may keep a few more entries to trim whole nodes (<c>~</c>), which is much cheaper.</param>
    /// <param name="cancellationToken">Cancels the wait for the reply.</param>
    public async Task<long> StreamTrimAsync(string key, long maxLength, bool approximate = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        RedisValue[] arguments = approximate ? [key, "MAXLEN", "~", maxLength] : [key, "MAXLEN", maxLength];
        return (long)await ExecuteCoreAsync("XTRIM", arguments, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Counts a stream's entries (XLEN); 0 if it does not exist.</summary>
    public async Task<long> StreamLengthAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return (long)await ExecuteCoreAsync("XLEN", [key], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads entries by ID range (XRANGE), oldest first; <c>-</c> and <c>+</c> are the ends of the stream.</summary>
    public async Task<IReadOnlyList<StreamEntry>> StreamRangeAsync(
        string key, string start = "-", string end = "+", int? count = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(start);
        ArgumentException.ThrowIfNullOrEmpty(end);
        RedisValue[] arguments = count is { } limit
            ? [key, start, end, "COUNT", limit > 0 ? limit : throw new ArgumentOutOfRangeException(nameof(count), count, "The count must be positive.")]
            : [key, start, end];
        return StreamEntry.ListFrom(await ExecuteCoreAsync("XRANGE", arguments, cancellationToken).ConfigureAwait(false));
    }
}
