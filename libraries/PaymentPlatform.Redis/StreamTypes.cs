namespace PaymentPlatform.Redis;

/// <summary>An entry of a stream: its ID and its fields in the order they were added.</summary>
public sealed class StreamEntry
{
    /// <summary>Creates an entry.</summary>
    public StreamEntry(string id, IReadOnlyList<KeyValuePair<string, RedisValue>> fields)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(fields);
        Id = id;
        Fields = fields;
    }

    /// <summary>The entry ID, such as <c>1700000000000-0</c>.</summary>
    public string Id { get; }

    /// <summary>The fields and values.</summary>
    public IReadOnlyList<KeyValuePair<string, RedisValue>> Fields { get; }

    /// <summary>The value of the first field with this name, or <see cref="RedisValue.Null"/>.</summary>
    public RedisValue this[string field]
    {
        get
        {
            foreach ((string name, RedisValue value) in Fields)
            {
                if (string.Equals(name, field, StringComparison.Ordinal))
                {
                    return value;
                }
            }
            return RedisValue.Null;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Id} ({Fields.Count} fields)";

    /// <summary>Reads [[id, [field, value, ...]], ...]; a deleted entry may come with null fields.</summary>
    internal static IReadOnlyList<StreamEntry> ListFrom(RedisResult entries)
    {
        if (entries.IsNull)
        {
            return [];
        }
        var list = new List<StreamEntry>(entries.Elements.Count);
        foreach (RedisResult entry in entries.Elements)
        {
            if (entry.IsNull)
            {
                continue;
            }
            RedisResult values = entry[1];
            var fields = new List<KeyValuePair<string, RedisValue>>(values.IsNull ? 0 : values.Elements.Count / 2);
            if (!values.IsNull)
            {
                for (int i = 0; i + 1 < values.Elements.Count; i += 2)
                {
                    fields.Add(new((string)values[i]!, values[i + 1].Value));
                }
            }
            list.Add(new StreamEntry((string)entry[0]!, fields));
        }
        return list;
    }
}

/// <summary>The result of XAUTOCLAIM.</summary>
/// <param name="NextStartId">Where to continue scanning; <c>0-0</c> when the whole pending list has been scanned.</param>
/// <param name="Claimed">The entries now owned by the claiming consumer.</param>
/// <param name="DeletedIds">IDs that were pending but no longer exist in the stream; they were removed from the pending list.</param>
public sealed record StreamAutoClaimResult(string NextStartId, IReadOnlyList<StreamEntry> Claimed, IReadOnlyList<string> DeletedIds);

/// <summary>The summary form of XPENDING.</summary>
/// <param name="Count">How many entries are pending in the group.</param>
/// <param name="LowestId">The smallest pending ID, or null when none are pending.</param>
/// <param name="HighestId">The largest pending ID, or null when none are pending.</param>
/// <param name="Consumers">How many entries each consumer with pending entries holds.</param>
public sealed record StreamPendingSummary(long Count, string? LowestId, string? HighestId, IReadOnlyList<StreamConsumerPending> Consumers);

/// <summary>How many pending entries one consumer holds.</summary>
/// <param name="Consumer">The consumer's name.</param>
/// <param name="Count">Its pending entries.</param>
public readonly record struct StreamConsumerPending(string Consumer, long Count);

/// <summary>One entry of the extended form of XPENDING.</summary>
/// <param name="Id">The entry ID.</param>
/// <param name="Consumer">The consumer that holds it.</param>
/// <param name="Idle">How long since it was last delivered.</param>
/// <param name="DeliveryCount">How many times it has been delivered.</param>
public sealed record StreamPendingEntry(string Id, string Consumer, TimeSpan Idle, long DeliveryCount);
