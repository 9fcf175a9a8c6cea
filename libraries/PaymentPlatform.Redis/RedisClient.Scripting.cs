namespace PaymentPlatform.Redis;

public sealed partial class RedisClient
{
    /// <summary>
    /// Runs a cached script (EVALSHA). If the server has not cached it (NOSCRIPT, for example
    /// after a restart or SCRIPT FLUSH) the script did not run, so it is sent once more with
    /// its source (EVAL), which also caches it.
    /// </summary>
    /// <param name="script">The script.</param>
    /// <param name="keys">The keys the script touches, as KEYS[1..n].</param>
    /// <param name="arguments">Other arguments, as ARGV[1..n].</param>
    /// <param name="cancellationToken">Cancels the wait for the reply.</param>
    /// <returns>What the script returned.</returns>
    /// <exception cref="RedisServerException">The script failed.</exception>
    public async Task<RedisResult> EvaluateAsync(
        LuaScript script,
        IReadOnlyList<string>? keys = null,
        IReadOnlyList<RedisValue>? arguments = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        try
        {
            return await ExecuteCoreAsync("EVALSHA", ScriptArguments(script.Sha1, keys, arguments), cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.ErrorPrefix == "NOSCRIPT")
        {
            return await ExecuteCoreAsync("EVAL", ScriptArguments(script.Source, keys, arguments), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs a script from its source (EVAL). Prefer a <see cref="LuaScript"/> for scripts run often.</summary>
    /// <exception cref="RedisServerException">The script failed.</exception>
    public Task<RedisResult> EvaluateAsync(
        string script,
        IReadOnlyList<string>? keys = null,
        IReadOnlyList<RedisValue>? arguments = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(script);
        return ExecuteCoreAsync("EVAL", ScriptArguments(script, keys, arguments), cancellationToken);
    }

    /// <summary>Caches a script on the server (SCRIPT LOAD), for example at startup.</summary>
    public async Task ScriptLoadAsync(LuaScript script, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        RedisResult reply = await ExecuteCoreAsync("SCRIPT", ["LOAD", script.Source], cancellationToken).ConfigureAwait(false);
        if (!string.Equals((string?)reply, script.Sha1, StringComparison.OrdinalIgnoreCase))
        {
            throw new RedisProtocolException($"SCRIPT LOAD returned the digest '{reply}', not {script.Sha1}.");
        }
    }

    private static RedisValue[] ScriptArguments(string scriptOrDigest, IReadOnlyList<string>? keys, IReadOnlyList<RedisValue>? arguments)
    {
        int keyCount = keys?.Count ?? 0;
        int argumentCount = arguments?.Count ?? 0;
        var all = new RedisValue[2 + keyCount + argumentCount];
        all[0] = scriptOrDigest;
        all[1] = keyCount;
        for (int i = 0; i < keyCount; i++)
        {
            all[2 + i] = keys![i] ?? throw new ArgumentException("A key is null.", nameof(keys));
        }
        for (int i = 0; i < argumentCount; i++)
        {
            all[2 + keyCount + i] = arguments![i];
        }
        return all;
    }
}
