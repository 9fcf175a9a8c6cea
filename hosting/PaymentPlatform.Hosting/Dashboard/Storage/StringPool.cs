using System.Collections.Concurrent;

namespace PaymentPlatform.Hosting.Dashboard.Storage;

/// <summary>
/// Shares one copy of the strings telemetry repeats endlessly (attribute keys, span names,
/// "POST", "127.0.0.1", SQL text). Everything the store keeps survives into the older GC
/// generations until evicted; at 20,000 spans/s, sharing these instead of keeping a fresh copy
/// per span is the difference between the GC pausing often and rarely. The pool starts afresh
/// when full, so one-off values (ids in URLs) cannot grow it without bound.
/// </summary>
internal sealed class StringPool(int capacity = 50_000, int maxLength = 512)
{
    private ConcurrentDictionary<string, string> _strings = new(StringComparer.Ordinal);
    private int _count;

    public string Intern(string value)
    {
        if (value.Length == 0)
        {
            return "";
        }
        if (value.Length > maxLength)
        {
            return value;
        }
        var strings = Volatile.Read(ref _strings);
        if (strings.TryGetValue(value, out var shared))
        {
            return shared;
        }
        if (Interlocked.Increment(ref _count) > capacity)
        {
            Volatile.Write(ref _strings, new ConcurrentDictionary<string, string>(StringComparer.Ordinal));
            Interlocked.Exchange(ref _count, 0);
            return value;
        }
        return strings.GetOrAdd(value, value);
    }
}
