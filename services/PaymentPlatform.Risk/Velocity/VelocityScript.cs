using PaymentPlatform.Redis;

namespace PaymentPlatform.Risk.Velocity;

/// <summary>
/// One round trip per scoring, whatever the number of keys and windows. KEYS are the prefixes
/// <c>risk:v:{key}:{value}</c> of the keys present; each has, for attempts (<c>:a</c>) and
/// declines (<c>:d</c>): <c>:m</c>, a sorted set of score ids by time (the exact minute), and
/// <c>:h</c> and <c>:d</c>, hashes of counts per minute and per hour bucket (the hour is the current
/// minute bucket and the 60 before it, the day the current hour bucket and the 24 before it, so an
/// event less than an hour or a day old always counts, and one up to a bucket older may).
/// ARGV: score id, now in ms or '' for Redis TIME, '1' to record a decline, '1' to record the attempt.
/// A score id already in a key's minute set is a retry: it is not counted again in any window.
/// Returns now, then per key: attempts 1m, 1h, 1d, declines 1m, 1h, 1d.
/// The keys are derived inside the script, so it needs a single Redis node (the platform's).
/// The counters are kept out of the AOF and replication (<c>redis.set_repl</c>): with the platform's
/// <c>appendfsync always</c> every scoring would otherwise wait for an fsync, far beyond the
/// 1 ms budget, for counts that may be lost on a Redis restart without harm (they restart at zero).
/// </summary>
internal static class VelocityScript
{
    public static readonly LuaScript Script = new("""
        redis.set_repl(redis.REPL_NONE)
        local now
        if ARGV[2] ~= '' then
          now = tonumber(ARGV[2])
        else
          local t = redis.call('TIME')
          now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        end
        local id = ARGV[1]
        local decline = ARGV[3] == '1'
        local attempt = ARGV[4] == '1'
        local minuteStart = now - 60000
        local minuteBucket = math.floor(now / 60000)
        local hourBucket = math.floor(now / 3600000)
        local out = { now }

        local function sum(key, current, span)
          local fields = redis.call('HGETALL', key)
          local total, stale = 0, {}
          for i = 1, #fields, 2 do
            if tonumber(fields[i]) > current - span then
              total = total + tonumber(fields[i + 1])
            else
              stale[#stale + 1] = fields[i]
            end
          end
          if #stale > 0 then redis.call('HDEL', key, unpack(stale)) end
          return total
        end

        local function counts(prefix, add)
          local m, h, d = prefix .. ':m', prefix .. ':h', prefix .. ':d'
          -- Most keys have no declines: every write reaches the day hash, which outlives the others.
          if not add and redis.call('EXISTS', d) == 0 then
            out[#out + 1] = 0
            out[#out + 1] = 0
            out[#out + 1] = 0
            return
          end
          redis.call('ZREMRANGEBYSCORE', m, '-inf', minuteStart)
          if add and redis.call('ZADD', m, 'NX', now, id) == 1 then
            redis.call('PEXPIRE', m, 60000)
            -- A hash is needed until its newest bucket leaves the window, so its TTL is set when a bucket starts.
            if redis.call('HINCRBY', h, minuteBucket, 1) == 1 then redis.call('PEXPIRE', h, 3720000) end
            if redis.call('HINCRBY', d, hourBucket, 1) == 1 then redis.call('PEXPIRE', d, 93600000) end
          end
          out[#out + 1] = redis.call('ZCARD', m)
          out[#out + 1] = sum(h, minuteBucket, 61)
          out[#out + 1] = sum(d, hourBucket, 25)
        end

        for i = 1, #KEYS do
          counts(KEYS[i] .. ':a', attempt)
          counts(KEYS[i] .. ':d', decline)
        end
        return out
        """);
}
