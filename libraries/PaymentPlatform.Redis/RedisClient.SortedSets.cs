using System.Globalization;

namespace PaymentPlatform.Redis;

/// <summary>A member of a sorted set and its score.</summary>
/// <param name="Member">The member.</param>
/// <param name="Score">The member's score.</param>
public readonly record struct SortedSetEntry(RedisValue Member, double Score);

/// <summary>Which ends of a score range are exclusive.</summary>
[Flags]
public enum Exclusive
{
    /// <summary>Both ends are included.</summary>
    None = 0,

    /// <summary>The minimum is excluded.</summary>
    Min = 1,

    /// <summary>The maximum is excluded.</summary>
    Max = 2,

    /// <summary>Both ends are excluded.</summary>
    Both = Min | Max,
}

/// <summary>The order of a range.</summary>
public enum Order
{
    /// <summary>Lowest score first.</summary>
    Ascending,

    /// <summary>Highest score first.</summary>
    Descending,
}

public sealed partial class RedisClient
{
    /// <summary>Adds a member with a score, or updates its score (ZADD); true if the member is new.</summary>
    public async Task<bool> SortedSetAddAsync(string key, RedisValue member, double score, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return (long)await ExecuteCoreAsync("ZADD", [key, Score(score, nameof(score)), member], cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Adds members with scores, or updates their scores (ZADD), and returns how many were new.</summary>
    /// <exception cref="ArgumentException">No entries were given.</exception>
    public async Task<long> SortedSetAddAsync(string key, IEnumerable<SortedSetEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(entries);
        var arguments = new List<RedisValue> { key };
        foreach (SortedSetEntry entry in entries)
        {
            arguments.Add(Score(entry.Score, nameof(entries)));
            arguments.Add(entry.Member);
        }
        if (arguments.Count == 1)
        {
            throw new ArgumentException("At least one entry is needed.", nameof(entries));
        }
        return (long)await ExecuteCoreAsync("ZADD", [.. arguments], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes a member (ZREM); true if it was there.</summary>
    public async Task<bool> SortedSetRemoveAsync(string key, RedisValue member, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return (long)await ExecuteCoreAsync("ZREM", [key, member], cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Removes the members whose scores lie in a range (ZREMRANGEBYSCORE) and returns how many.</summary>
    public async Task<long> SortedSetRemoveRangeByScoreAsync(
        string key, double min, double max, Exclusive exclusive = Exclusive.None, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        RedisValue[] arguments = [key, Bound(min, exclusive.HasFlag(Exclusive.Min), nameof(min)), Bound(max, exclusive.HasFlag(Exclusive.Max), nameof(max))];
        return (long)await ExecuteCoreAsync("ZREMRANGEBYSCORE", arguments, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Counts the members (ZCARD); 0 if the key does not exist.</summary>
    public async Task<long> SortedSetLengthAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return (long)await ExecuteCoreAsync("ZCARD", [key], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Counts the members whose scores lie in a range (ZCOUNT).</summary>
    public async Task<long> SortedSetCountAsync(
        string key,
        double min = double.NegativeInfinity,
        double max = double.PositiveInfinity,
        Exclusive exclusive = Exclusive.None,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        RedisValue[] arguments = [key, Bound(min, exclusive.HasFlag(Exclusive.Min), nameof(min)), Bound(max, exclusive.HasFlag(Exclusive.Max), nameof(max))];
        return (long)await ExecuteCoreAsync("ZCOUNT", arguments, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads members with their scores by rank (ZRANGE ... WITHSCORES). Ranks start at 0;
    /// negative ranks count from the end, so the defaults read the whole set.
    /// </summary>
    public async Task<IReadOnlyList<SortedSetEntry>> SortedSetRangeAsync(
        string key, long start = 0, long stop = -1, Order order = Order.Ascending, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        RedisValue[] arguments = order == Order.Descending
            ? [key, start, stop, "REV", "WITHSCORES"]
            : [key, start, stop, "WITHSCORES"];
        return ToEntries(await ExecuteCoreAsync("ZRANGE", arguments, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Reads members with their scores by score (ZRANGE ... BYSCORE ... WITHSCORES), optionally
    /// skipping <paramref name="offset"/> members and taking at most <paramref name="count"/> (-1: all).
    /// </summary>
    public async Task<IReadOnlyList<SortedSetEntry>> SortedSetRangeByScoreAsync(
        string key,
        double min = double.NegativeInfinity,
        double max = double.PositiveInfinity,
        Exclusive exclusive = Exclusive.None,
        Order order = Order.Ascending,
        long offset = 0,
        long count = -1,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        RedisValue low = Bound(min, exclusive.HasFlag(Exclusive.Min), nameof(min));
        RedisValue high = Bound(max, exclusive.HasFlag(Exclusive.Max), nameof(max));
        var arguments = order == Order.Descending
            ? new List<RedisValue> { key, high, low, "BYSCORE", "REV" }
            : new List<RedisValue> { key, low, high, "BYSCORE" };
        if (offset != 0 || count >= 0)
        {
            arguments.AddRange(["LIMIT", offset, count]);
        }
        arguments.Add("WITHSCORES");
        return ToEntries(await ExecuteCoreAsync("ZRANGE", [.. arguments], cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Reads a member's score (ZSCORE); null if the member or key does not exist.</summary>
    public async Task<double?> SortedSetScoreAsync(string key, RedisValue member, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return (double?)await ExecuteCoreAsync("ZSCORE", [key, member], cancellationToken).ConfigureAwait(false);
    }

    private static IReadOnlyList<SortedSetEntry> ToEntries(RedisResult reply)
    {
        IReadOnlyList<RedisResult> items = reply.Elements;
        if (items.Count > 0 && items[0].IsAggregate)
        {
            // RESP3: one [member, score] pair per entry.
            return items.Select(pair => new SortedSetEntry(pair[0].Value, (double)pair[1])).ToArray();
        }
        // RESP2: member, score, member, score, ...
        var entries = new SortedSetEntry[items.Count / 2];
        for (int i = 0; i < entries.Length; i++)
        {
            entries[i] = new SortedSetEntry(items[2 * i].Value, (double)items[(2 * i) + 1]);
        }
        return entries;
    }

    private static RedisValue Score(double score, string parameterName) =>
        double.IsNaN(score) ? throw new ArgumentException("A score cannot be NaN.", parameterName) : score;

    private static RedisValue Bound(double score, bool exclusive, string parameterName)
    {
        if (double.IsNaN(score))
        {
            throw new ArgumentException("A score bound cannot be NaN.", parameterName);
        }
        string text = double.IsPositiveInfinity(score) ? "+inf"
            : double.IsNegativeInfinity(score) ? "-inf"
            : score.ToString("R", CultureInfo.InvariantCulture);
        return exclusive ? "(" + text : text;
    }
}
