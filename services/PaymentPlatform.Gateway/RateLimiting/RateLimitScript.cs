using PaymentPlatform.Redis;

namespace PaymentPlatform.Gateway.RateLimiting;

/// <summary>
/// GCRA (the generic cell rate algorithm, a token bucket kept as one number) in one round trip.
/// KEYS[1] holds the theoretical arrival time (TAT) in microseconds: when the bucket would be full
/// again. ARGV: the emission interval (microseconds per request), the burst (how many requests fit
/// at once), and now in microseconds or '' for Redis TIME (tests only; every replica then shares one
/// clock). A request is allowed when TAT + interval - burst * interval is not in the future.
/// Returns {allowed 1|0, retry after in microseconds, remaining}.
/// The key expires when the bucket is full again, where a missing key means the same.
/// Like risk's velocity counters, the state is soft: kept out of the AOF and replication
/// (<c>redis.set_repl</c>), so a request never waits for the platform's <c>appendfsync always</c>;
/// after a Redis restart every budget starts full.
/// </summary>
internal static class RateLimitScript
{
    public static readonly LuaScript Script = new("""
        redis.set_repl(redis.REPL_NONE)
        local now
        if ARGV[3] ~= '' then
          now = tonumber(ARGV[3])
        else
          local t = redis.call('TIME')
          now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        end
        local interval = tonumber(ARGV[1])
        local tolerance = interval * tonumber(ARGV[2])
        local tat = tonumber(redis.call('GET', KEYS[1]) or now)
        if tat < now then tat = now end
        local nextTat = tat + interval
        local allowAt = nextTat - tolerance
        if allowAt > now then
          return { 0, allowAt - now, 0 }
        end
        redis.call('SET', KEYS[1], string.format('%d', nextTat), 'PX', math.ceil((nextTat - now) / 1000))
        return { 1, 0, math.floor((now + tolerance - nextTat) / interval) }
        """);
}
