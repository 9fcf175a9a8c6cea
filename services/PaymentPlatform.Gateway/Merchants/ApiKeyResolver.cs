using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace PaymentPlatform.Gateway.Merchants;

/// <summary>How long a resolved key is trusted without asking the database again.</summary>
public sealed class ApiKeyCacheOptions
{
    public const string SectionName = "Gateway:ApiKeys";

    /// <summary>
    /// The bound on how long a revocation takes to reach every replica: each replica keeps what
    /// it resolved for at most this long. Expiry times themselves are checked on every request.
    /// </summary>
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an unknown key is remembered as unknown, so a flood of bad keys costs no queries.</summary>
    public TimeSpan UnknownKeyTtl { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most keys the cache holds (known and unknown together).</summary>
    public int MaxEntries { get; set; } = 100_000;
}

/// <summary>
/// Resolves an API key secret to its merchant through an in-process TTL cache of plain values
/// (<see cref="ResolvedKey"/>): the hot path reads the database only once per key and TTL.
/// </summary>
internal sealed class ApiKeyResolver(MerchantStore store, IOptions<ApiKeyCacheOptions> options, TimeProvider time) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = options.Value.MaxEntries, Clock = null });
    private static readonly object Unknown = new();

    /// <summary>The merchant of a live key; null when the key is unknown, revoked or expired.</summary>
    public async ValueTask<MerchantContext?> ResolveAsync(string secret, CancellationToken cancellationToken)
    {
        // The cache is keyed by the hash: the secret itself is never held beyond this request.
        var hash = ApiKeys.Hash(secret);
        var cacheKey = Convert.ToBase64String(hash);
        if (!_cache.TryGetValue(cacheKey, out var cached))
        {
            var resolved = await store.ResolveAsync(hash, cancellationToken);
            cached = (object?)resolved ?? Unknown;
            var ttl = resolved is null ? options.Value.UnknownKeyTtl : options.Value.CacheTtl;
            _cache.Set(cacheKey, cached, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = ttl, Size = 1 });
        }
        return cached is ResolvedKey key && (key.ExpiresAt is not { } expires || expires > time.GetUtcNow()) ? key.Merchant : null;
    }

    /// <summary>Forgets every resolved key in this replica (other replicas forget within <see cref="ApiKeyCacheOptions.CacheTtl"/>).</summary>
    public void Clear() => _cache.Clear();

    public void Dispose() => _cache.Dispose();
}
