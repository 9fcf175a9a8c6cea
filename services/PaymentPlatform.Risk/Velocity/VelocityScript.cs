using PaymentPlatform.Redis;

namespace PaymentPlatform.Risk.Velocity;

/// <summary>
/// One round trip per scoring, whatever the number of keys and windows. KEYS are the prefixes
/// <c>risk:v:{key}:{value}</c> of the keys present; each has, for attempts (<c>a</c>) and declines
/// (<c>d</c>), a sorted set <c>:a:m</c> / <c>:d:m</c> of score ids by time (the exact minute), and
/// one hash <c>:b</c> holding both counters' buckets: per minute (<c>a:m:{minute}</c>, the current
/// and the 60 before it make the hour) and per hour (<c>a:h:{hour}</c>, the current and the 24
/// before it make the day), so an event less than an hour or a day old always counts, and one up to
/// a bucket older may. The hash also keeps each window's running total (<c>a:1h</c>, <c>a:1d</c>)
/// and the oldest and newest bucket it may hold (<c>a:m0</c>, <c>a:m1</c>, <c>a:h0</c>, <c>a:h1</c>):
/// a scoring reads them with one HMGET and removes only the buckets that left the window since, so
/// its cost does not grow with the number of buckets a busy key holds (summing them all did).
/// ARGV: score id, now in ms or '' for Redis TIME, '1' to record a decline, '1' to record the attempt.
/// A score id already in a key's minute set is a retry: it is not counted again in any window.
/// Returns now, then per key: attempts 1m, 1h, 1d, declines 1m, 1h, 1d.
/// The keys are derived inside the script, so it needs a single Redis node (the platform's).
/// The counters are kept out of the AOF and replication (<c>redis.set_repl</c>): with the platform's
/// <c>appendfsync always</c> every scoring would otherwise wait for an fsync, far beyond the
/// 1 ms budget, for counts that may be lost on a Redis restart without harm (they restart at zero).
/// Numbers go to Redis as strings made once per call: Lua's number-to-string conversion was a fifth
/// of the script's cost.
/// </summary>
internal static class VelocityScript
{
    public static readonly LuaScript Script = new("""
        redis.set_repl(redis.REPL_NONE)
        local call, tonumber, format = redis.call, tonumber, string.format
        local now, nowText
        if ARGV[2] ~= '' then
          nowText = ARGV[2]
          now = tonumber(nowText)
        else
          local t = call('TIME')
          now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
          nowText = format('%d', now)
        end
        local id = ARGV[1]
        local adding = { ARGV[4] == '1', ARGV[3] == '1' }
        local counters = { 'a', 'd' }
        local sinceText = format('%d', now - 60000)
        local minute = math.floor(now / 60000)
        local hour = math.floor(now / 3600000)
        -- Windows by index: 1 attempts 1h, 2 attempts 1d, 3 declines 1h, 4 declines 1d.
        local current, currentText, span, prefix, fields = {}, {}, {}, {}, {}
        for i = 1, 4 do
          local c = counters[math.floor((i + 1) / 2)]
          local minutes = i % 2 == 1
          current[i] = minutes and minute or hour
          currentText[i] = format('%d', current[i])
          span[i] = minutes and 61 or 25
          prefix[i] = c .. (minutes and ':m' or ':h')
          fields[#fields + 1] = c .. (minutes and ':1h' or ':1d')
          fields[#fields + 1] = prefix[i] .. '0'
          fields[#fields + 1] = prefix[i] .. '1'
          fields[#fields + 1] = prefix[i] .. ':' .. currentText[i]
        end
        -- Numbers as Redis strings; the common values without formatting (Lua's own conversion is costly).
        local function text(n, i)
          if n == 1 then return '1' end
          if i ~= nil and n == current[i] then return currentText[i] end
          return format('%d', n)
        end
        local out = { now }
        local total, first, last, count, from, to, counted, moved = {}, {}, {}, {}, {}, {}, {}, {}

        for k = 1, #KEYS do
          local key = KEYS[k] .. ':b'
          local v = call('HMGET', key, unpack(fields))
          local stale, gone = {}, {}
          for i = 1, 4 do
            local o = (i - 1) * 4
            total[i], first[i], last[i], count[i] = tonumber(v[o + 1]) or 0, tonumber(v[o + 2]), tonumber(v[o + 3]), tonumber(v[o + 4])
            counted[i], moved[i] = false, false
            from[i] = #stale + 1
            local edge = current[i] - span[i]
            if first[i] ~= nil and first[i] <= edge then
              -- Buckets that left the window: their counts leave the total, their fields the hash.
              for n = first[i], math.min(edge, last[i]) do stale[#stale + 1] = prefix[i] .. ':' .. format('%d', n) end
              if last[i] > edge then
                first[i] = edge + 1
              else
                first[i], last[i] = nil, nil
                gone[#gone + 1] = prefix[i] .. '0'
                gone[#gone + 1] = prefix[i] .. '1'
              end
              counted[i], moved[i] = true, first[i] ~= nil
            end
            to[i] = #stale
          end
          if #stale > 0 then
            local values = call('HMGET', key, unpack(stale))
            for i = 1, 4 do
              for j = from[i], to[i] do total[i] = total[i] - (tonumber(values[j]) or 0) end
            end
            for j = 1, #stale do gone[#gone + 1] = stale[j] end
          end
          if #gone > 0 then call('HDEL', key, unpack(gone)) end

          local sets, expire = {}, false
          for c = 1, 2 do
            local zset = KEYS[k] .. ':' .. counters[c] .. ':m'
            local minuteCount = 0
            if adding[c] then
              call('ZREMRANGEBYSCORE', zset, '-inf', sinceText)
              if call('ZADD', zset, 'NX', nowText, id) == 1 then
                call('PEXPIRE', zset, '60000')
                for i = c * 2 - 1, c * 2 do
                  -- Never before the oldest bucket kept, should the clock have gone back.
                  local b, n = current[i], count[i]
                  if first[i] ~= nil and first[i] > b then
                    b = first[i]
                    n = tonumber(call('HGET', key, prefix[i] .. ':' .. format('%d', b)))
                  end
                  if n == nil and i == c * 2 then expire = true end
                  if first[i] == nil then
                    first[i] = b
                    moved[i] = true
                  end
                  if last[i] == nil or last[i] < b then
                    last[i] = b
                    moved[i] = true
                  end
                  total[i] = total[i] + 1
                  counted[i] = true
                  sets[#sets + 1] = b == current[i] and fields[i * 4] or prefix[i] .. ':' .. format('%d', b)
                  sets[#sets + 1] = text((n or 0) + 1)
                end
              end
              minuteCount = call('ZCARD', zset)
            elseif total[c * 2] > 0 then
              minuteCount = call('ZCOUNT', zset, '(' .. sinceText, '+inf')
            end
            out[#out + 1] = minuteCount
            out[#out + 1] = total[c * 2 - 1]
            out[#out + 1] = total[c * 2]
          end
          for i = 1, 4 do
            if counted[i] then
              sets[#sets + 1] = fields[i * 4 - 3]
              sets[#sets + 1] = text(total[i])
            end
            if moved[i] then
              sets[#sets + 1] = fields[i * 4 - 2]
              sets[#sets + 1] = text(first[i], i)
              sets[#sets + 1] = fields[i * 4 - 1]
              sets[#sets + 1] = text(last[i], i)
            end
          end
          if #sets > 0 then call('HSET', key, unpack(sets)) end
          -- Kept until its newest hour bucket leaves the day window (26 h from that bucket's first count).
          if expire then call('PEXPIRE', key, '93600000') end
        end
        return out
        """);
}
