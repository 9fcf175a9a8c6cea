using System.Security.Cryptography;
using System.Text;

namespace PaymentPlatform.Redis;

/// <summary>
/// A Lua script evaluated by its SHA1 digest (EVALSHA), so its source crosses the network
/// only when the server does not have it cached. Create one per script and keep it (for
/// example in a static field); it is immutable and thread-safe.
/// </summary>
/// <example>
/// <code>
/// static readonly LuaScript TakeToken = new("return redis.call('DECR', KEYS[1])");
/// RedisResult left = await client.EvaluateAsync(TakeToken, [bucketKey]);
/// </code>
/// </example>
public sealed class LuaScript
{
    /// <summary>Creates a script from its Lua source.</summary>
    /// <exception cref="ArgumentException">The source is null or blank.</exception>
    public LuaScript(string source)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        Source = source;
        Sha1 = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(source)));
    }

    /// <summary>The Lua source.</summary>
    public string Source { get; }

    /// <summary>The SHA1 digest of the source in lower-case hex, as SCRIPT LOAD returns it.</summary>
    public string Sha1 { get; }

    /// <inheritdoc />
    public override string ToString() => $"LuaScript {Sha1}";
}
