namespace PaymentPlatform.Redis;

public sealed partial class RedisClient
{
    /// <summary>Sets one field of a hash (HSET); true if the field is new, false if it was overwritten.</summary>
    public async Task<bool> HashSetAsync(string key, string field, RedisValue value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(field);
        return (long)await ExecuteCoreAsync("HSET", [key, field, value], cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Sets several fields of a hash (HSET) and returns how many were new.</summary>
    /// <exception cref="ArgumentException">No fields were given, or a field name is null.</exception>
    public async Task<long> HashSetAsync(
        string key, IEnumerable<KeyValuePair<string, RedisValue>> fields, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        RedisValue[] arguments = FieldArguments(fields, nameof(fields), key);
        return (long)await ExecuteCoreAsync("HSET", arguments, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads one field of a hash (HGET); <see cref="RedisValue.Null"/> if the field or key does not exist.</summary>
    public async Task<RedisValue> HashGetAsync(string key, string field, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(field);
        return (await ExecuteCoreAsync("HGET", [key, field], cancellationToken).ConfigureAwait(false)).Value;
    }

    /// <summary>Reads every field of a hash (HGETALL); empty if the key does not exist.</summary>
    public async Task<IReadOnlyDictionary<string, RedisValue>> HashGetAllAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        RedisResult reply = await ExecuteCoreAsync("HGETALL", [key], cancellationToken).ConfigureAwait(false);
        // RESP2 sends a flat array of field, value, ...; RESP3 a map, which reads the same way.
        IReadOnlyList<RedisResult> items = reply.Elements;
        var fields = new Dictionary<string, RedisValue>(items.Count / 2, StringComparer.Ordinal);
        for (int i = 0; i + 1 < items.Count; i += 2)
        {
            fields[(string)items[i]!] = items[i + 1].Value;
        }
        return fields;
    }

    /// <summary>Deletes one field of a hash (HDEL); true if it existed.</summary>
    public async Task<bool> HashDeleteAsync(string key, string field, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(field);
        return (long)await ExecuteCoreAsync("HDEL", [key, field], cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Adds to an integer field of a hash (HINCRBY), treating a missing field as 0, and returns the new value.</summary>
    public async Task<long> HashIncrementAsync(string key, string field, long value = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(field);
        return (long)await ExecuteCoreAsync("HINCRBY", [key, field, value], cancellationToken).ConfigureAwait(false);
    }

    private static RedisValue[] FieldArguments(
        IEnumerable<KeyValuePair<string, RedisValue>> fields, string parameterName, params RedisValue[] prefix)
    {
        ArgumentNullException.ThrowIfNull(fields, parameterName);
        var arguments = new List<RedisValue>(prefix);
        foreach ((string name, RedisValue value) in fields)
        {
            if (name is null)
            {
                throw new ArgumentException("A field name is null.", parameterName);
            }
            arguments.Add(name);
            arguments.Add(value);
        }
        if (arguments.Count == prefix.Length)
        {
            throw new ArgumentException("At least one field is needed.", parameterName);
        }
        return [.. arguments];
    }
}
