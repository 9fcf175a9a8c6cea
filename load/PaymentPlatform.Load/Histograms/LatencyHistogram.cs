using System.Diagnostics;
using System.Numerics;

namespace PaymentPlatform.Load.Histograms;

/// <summary>
/// Counts latencies in microseconds in log-linear buckets, so the relative error of any
/// reported value is bounded (below 1% with two significant digits) from 1 µs to the highest
/// trackable value, in a few kilobytes. Recording is lock-free and safe from many threads;
/// histograms with the same settings merge exactly. See README.md beside this file.
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>100 s: well beyond any request time-out the generator uses.</summary>
    public const long DefaultHighestTrackableValue = 100_000_000;

    private readonly long[] _counts;
    private readonly int _subBucketBits;
    private readonly int _halfSubBucketCount;
    private readonly ulong _subBucketMask;
    private long _totalCount;
    private long _sum;
    private long _min = long.MaxValue;
    private long _max;
    private long _clampedCount;

    public LatencyHistogram(long highestTrackableValue = DefaultHighestTrackableValue, int significantDigits = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(significantDigits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(significantDigits, 4);
        ArgumentOutOfRangeException.ThrowIfLessThan(highestTrackableValue, 2);
        SignificantDigits = significantDigits;
        HighestTrackableValue = highestTrackableValue;
        // A bucket holds 2 x 10^digits linear steps (rounded up to a power of two); each doubling of
        // the value doubles the step, so a step is never wider than 1 / (half that count) of its value.
        var subBucketCount = (int)BitOperations.RoundUpToPowerOf2((uint)(2 * Math.Pow(10, significantDigits)));
        _subBucketBits = BitOperations.Log2((uint)subBucketCount);
        _halfSubBucketCount = subBucketCount / 2;
        _subBucketMask = (ulong)subBucketCount - 1;
        _counts = new long[IndexOf(highestTrackableValue) + 1];
    }

    public int SignificantDigits { get; }

    public long HighestTrackableValue { get; }

    /// <summary>The bound on (reported - true) / true for any value above the linear range.</summary>
    public double RelativeErrorBound => 1.0 / _halfSubBucketCount;

    public long TotalCount => Volatile.Read(ref _totalCount);

    /// <summary>Values above <see cref="HighestTrackableValue"/>, counted at that value.</summary>
    public long ClampedCount => Volatile.Read(ref _clampedCount);

    public long Min => TotalCount == 0 ? 0 : Volatile.Read(ref _min);

    public long Max => Volatile.Read(ref _max);

    public double Mean => TotalCount == 0 ? 0 : (double)Volatile.Read(ref _sum) / TotalCount;

    public void Record(long value) => Record(value, 1);

    public void Record(long value, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (value > HighestTrackableValue)
        {
            Interlocked.Add(ref _clampedCount, count);
            value = HighestTrackableValue;
        }
        Interlocked.Add(ref _counts[IndexOf(value)], count);
        Interlocked.Add(ref _sum, value * count);
        Interlocked.Add(ref _totalCount, count);
        UpdateMin(value);
        UpdateMax(value);
    }

    /// <summary>Records the time between two <see cref="Stopwatch.GetTimestamp"/> readings, in µs.</summary>
    public void RecordElapsed(long startTimestamp, long endTimestamp) =>
        Record(Math.Max(0, Stopwatch.GetElapsedTime(startTimestamp, endTimestamp).Ticks / TimeSpan.TicksPerMicrosecond));

    /// <summary>
    /// The nearest-rank percentile (0-100): the smallest recorded value with at least that share
    /// of values at or below it, reported as the top of its bucket (never above the maximum), so
    /// it is never below the true value and above it by less than <see cref="RelativeErrorBound"/>.
    /// </summary>
    public long ValueAtPercentile(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percentile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        var total = TotalCount;
        if (total == 0)
        {
            return 0;
        }
        var rank = NearestRank(percentile, total);
        long cumulative = 0;
        for (var index = 0; index < _counts.Length; index++)
        {
            cumulative += Volatile.Read(ref _counts[index]);
            if (cumulative >= rank)
            {
                return Math.Min(HighestEquivalentValue(index), Max);
            }
        }
        return Max;
    }

    /// <summary>Adds every count of <paramref name="other"/> to this histogram.</summary>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (value, count) in other.RecordedValues())
        {
            Interlocked.Add(ref _counts[IndexOf(Math.Min(value, HighestTrackableValue))], count);
            Interlocked.Add(ref _totalCount, count);
        }
        if (other.TotalCount > 0)
        {
            Interlocked.Add(ref _sum, Volatile.Read(ref other._sum));
            Interlocked.Add(ref _clampedCount, other.ClampedCount);
            UpdateMin(other.Min);
            UpdateMax(Math.Min(other.Max, HighestTrackableValue));
        }
    }

    /// <summary>A new histogram with the same settings and counts.</summary>
    public LatencyHistogram Copy()
    {
        var copy = new LatencyHistogram(HighestTrackableValue, SignificantDigits);
        copy.Add(this);
        return copy;
    }

    /// <summary>Each non-empty bucket as (lowest value it holds, count), in increasing order.</summary>
    public IEnumerable<(long Value, long Count)> RecordedValues()
    {
        for (var index = 0; index < _counts.Length; index++)
        {
            var count = Volatile.Read(ref _counts[index]);
            if (count > 0)
            {
                yield return (LowestEquivalentValue(index), count);
            }
        }
    }

    /// <summary>The 1-based rank of the nearest-rank percentile among <paramref name="count"/> values.</summary>
    internal static long NearestRank(double percentile, long count)
    {
        // Rounded first so that 99.9% of 1,000 is rank 999, not 1,000 through floating-point noise.
        var exact = Math.Round(percentile / 100 * count, 9);
        return Math.Clamp((long)Math.Ceiling(exact), 1, count);
    }

    internal int IndexOf(long value)
    {
        // Values below the sub-bucket count are exact; above, each power of two gets half as many
        // equal steps, found from the position of the value's top bit.
        var shift = BitOperations.Log2((ulong)value | _subBucketMask) - _subBucketBits + 1;
        return (_halfSubBucketCount * shift) + (int)(value >> shift);
    }

    internal long LowestEquivalentValue(int index)
    {
        var shift = ShiftOf(index);
        return (long)(index - (_halfSubBucketCount * shift)) << shift;
    }

    internal long HighestEquivalentValue(int index) => LowestEquivalentValue(index) + (1L << ShiftOf(index)) - 1;

    private int ShiftOf(int index) => index < 2 * _halfSubBucketCount ? 0 : (index / _halfSubBucketCount) - 1;

    private void UpdateMin(long value)
    {
        var current = Volatile.Read(ref _min);
        while (value < current)
        {
            var seen = Interlocked.CompareExchange(ref _min, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }

    private void UpdateMax(long value)
    {
        var current = Volatile.Read(ref _max);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref _max, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }
}
