namespace PaymentPlatform.Redis;

/// <summary>When SET writes the value.</summary>
public enum SetCondition
{
    /// <summary>Always write.</summary>
    Always,

    /// <summary>Only when the key does not exist (NX), as for a lock or an idempotency key.</summary>
    NotExists,

    /// <summary>Only when the key already exists (XX).</summary>
    Exists,
}

public sealed partial class RedisClient
{
    /// <summary>Reads a string value (GET); <see cref="RedisValue.Null"/> when the key does not exist.</summary>
    /// <exception cref="RedisServerException">WRONGTYPE: the key holds another type.</exception>
    public async Task<RedisValue> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return (await ExecuteCoreAsync("GET", [key], cancellationToken).ConfigureAwait(false)).Value;
    }

    /// <summary>
    /// Writes a string value (SET), optionally with an expiry (EX when it is whole seconds,
    /// PX otherwise) and a condition (NX or XX).
    /// </summary>
    /// <returns>True if the value was written; false if the condition was not met.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The expiry is less than one millisecond.</exception>
    public async Task<bool> SetAsync(
        string key,
        RedisValue value,
        TimeSpan? expiry = null,
        SetCondition condition = SetCondition.Always,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var arguments = new List<RedisValue>(5) { key, value };
        if (expiry is { } ttl)
        {
            (string unit, long amount) = ExpiryArguments(ttl, nameof(expiry));
            arguments.Add(unit);
            arguments.Add(amount);
        }
        switch (condition)
        {
            case SetCondition.NotExists: arguments.Add("NX"); break;
            case SetCondition.Exists: arguments.Add("XX"); break;
            case SetCondition.Always: break;
            default: throw new ArgumentOutOfRangeException(nameof(condition), condition, "Unknown SET condition.");
        }
        RedisResult reply = await ExecuteCoreAsync("SET", [.. arguments], cancellationToken).ConfigureAwait(false);
        return !reply.IsNull;
    }

    /// <summary>Deletes a key (DEL); true if it existed.</summary>
    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return (long)await ExecuteCoreAsync("DEL", [key], cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Deletes keys (DEL) and returns how many existed.</summary>
    /// <exception cref="ArgumentException">No keys were given, or one is null.</exception>
    public async Task<long> DeleteAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        RedisValue[] arguments = KeysArguments(keys, nameof(keys));
        return (long)await ExecuteCoreAsync("DEL", arguments, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds to an integer value (INCR when <paramref name="value"/> is 1, INCRBY otherwise),
    /// treating a missing key as 0, and returns the new value.
    /// </summary>
    /// <exception cref="RedisServerException">ERR: the value is not an integer, or the result would overflow.</exception>
    public async Task<long> IncrementAsync(string key, long value = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        RedisResult reply = value == 1
            ? await ExecuteCoreAsync("INCR", [key], cancellationToken).ConfigureAwait(false)
            : await ExecuteCoreAsync("INCRBY", [key, value], cancellationToken).ConfigureAwait(false);
        return (long)reply;
    }

    /// <summary>
    /// Sets a key's time to live (EXPIRE when it is whole seconds, PEXPIRE otherwise);
    /// true if the key exists.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The expiry is less than one millisecond.</exception>
    public async Task<bool> ExpireAsync(string key, TimeSpan expiry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        (string unit, long amount) = ExpiryArguments(expiry, nameof(expiry));
        string command = unit == "EX" ? "EXPIRE" : "PEXPIRE";
        return (long)await ExecuteCoreAsync(command, [key, amount], cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Reads a key's remaining time to live (PTTL); null if the key does not exist or has no expiry.</summary>
    public async Task<TimeSpan?> TimeToLiveAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        long milliseconds = (long)await ExecuteCoreAsync("PTTL", [key], cancellationToken).ConfigureAwait(false);
        return milliseconds < 0 ? null : TimeSpan.FromMilliseconds(milliseconds);
    }

    /// <summary>EX and whole seconds when the expiry allows, else PX and milliseconds.</summary>
    private static (string Unit, long Amount) ExpiryArguments(TimeSpan expiry, string parameterName)
    {
        if (expiry < TimeSpan.FromMilliseconds(1))
        {
            throw new ArgumentOutOfRangeException(parameterName, expiry, "The expiry must be at least one millisecond.");
        }
        return expiry.Ticks % TimeSpan.TicksPerSecond == 0
            ? ("EX", expiry.Ticks / TimeSpan.TicksPerSecond)
            : ("PX", (long)expiry.TotalMilliseconds);
    }

    private static RedisValue[] KeysArguments(IEnumerable<string> keys, string parameterName, params RedisValue[] prefix)
    {
        ArgumentNullException.ThrowIfNull(keys, parameterName);
        var arguments = new List<RedisValue>(prefix);
        foreach (string key in keys)
        {
            if (key is null)
            {
                throw new ArgumentException("A key is null.", parameterName);
            }
            arguments.Add(key);
        }
        if (arguments.Count == prefix.Length)
        {
            throw new ArgumentException("At least one key is needed.", parameterName);
        }
        return [.. arguments];
    }
}
