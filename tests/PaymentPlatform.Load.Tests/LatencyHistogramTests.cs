using System.Diagnostics;
using PaymentPlatform.Load.Histograms;

namespace PaymentPlatform.Load.Tests;

public sealed class LatencyHistogramTests
{
    private static readonly double[] Percentiles = [0, 1, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100];

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    [InlineData(4, 1)]
    public void PercentilesAreNeverBelowTheExactValueAndAboveItByLessThanTheBound(int seed, int digits)
    {
        var random = new Random(seed);
        // Log-uniform from 1 µs to 30 s, as latencies spread over orders of magnitude.
        var values = Enumerable.Range(0, 50_000).Select(_ => (long)Math.Exp(random.NextDouble() * Math.Log(30_000_000))).ToArray();
        var histogram = new LatencyHistogram(significantDigits: digits);
        foreach (var value in values)
        {
            histogram.Record(value);
        }
        Array.Sort(values);

        foreach (var percentile in Percentiles)
        {
            var exact = ExactNearestRank(values, percentile);
            var reported = histogram.ValueAtPercentile(percentile);
            Assert.True(reported >= exact, $"p{percentile}: {reported} < exact {exact}");
            Assert.True(reported - exact <= exact * histogram.RelativeErrorBound, $"p{percentile}: {reported} vs exact {exact}, bound {histogram.RelativeErrorBound}");
        }
        Assert.Equal(values[^1], histogram.Max);
        Assert.Equal(values[0], histogram.Min);
        Assert.Equal(values.Average(), histogram.Mean, precision: 6);
    }

    [Fact]
    public void TwoSignificantDigitsBoundTheRelativeErrorBelowOnePercent()
    {
        Assert.True(new LatencyHistogram(significantDigits: 2).RelativeErrorBound < 0.01);
        Assert.True(new LatencyHistogram(significantDigits: 3).RelativeErrorBound < 0.001);
    }

    [Fact]
    public void ValuesBelowTheSubBucketCountAreCountedExactly()
    {
        var histogram = new LatencyHistogram();
        for (var value = 0; value < 256; value++)
        {
            histogram.Record(value);
        }
        var values = Enumerable.Range(0, 256).Select(v => (long)v).ToArray();
        foreach (var percentile in Percentiles)
        {
            Assert.Equal(ExactNearestRank(values, percentile), histogram.ValueAtPercentile(percentile));
        }
    }

    [Fact]
    public void MergingEqualsRecordingEverythingInOneHistogram()
    {
        var random = new Random(7);
        var (left, right, all) = (new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram());
        for (var i = 0; i < 20_000; i++)
        {
            var value = (long)Math.Exp(random.NextDouble() * Math.Log(5_000_000));
            (i % 3 == 0 ? left : right).Record(value);
            all.Record(value);
        }

        left.Add(right);

        Assert.Equal(all.RecordedValues(), left.RecordedValues());
        Assert.Equal(all.TotalCount, left.TotalCount);
        Assert.Equal((all.Min, all.Max), (left.Min, left.Max));
        Assert.Equal(all.Mean, left.Mean, precision: 9);
        Assert.All(Percentiles, p => Assert.Equal(all.ValueAtPercentile(p), left.ValueAtPercentile(p)));
    }

    [Fact]
    public void ACopyHasTheSameCountsAndDoesNotShareThem()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(1234, count: 3);
        var copy = histogram.Copy();
        histogram.Record(99);

        Assert.Equal(3, copy.TotalCount);
        Assert.Equal([(1232L, 3L)], copy.RecordedValues());
    }

    [Fact]
    public void ExtremesAreKeptAndValuesAboveTheRangeAreClampedAndCounted()
    {
        var histogram = new LatencyHistogram(highestTrackableValue: 1_000_000);
        histogram.Record(0);
        histogram.Record(1_000_000);
        histogram.Record(5_000_000);

        Assert.Equal(0, histogram.Min);
        Assert.Equal(1_000_000, histogram.Max);
        Assert.Equal(1, histogram.ClampedCount);
        Assert.Equal(0, histogram.ValueAtPercentile(0));
        Assert.Equal(1_000_000, histogram.ValueAtPercentile(100));
        Assert.Equal(1_000_000, histogram.ValueAtPercentile(50));
    }

    [Fact]
    public void AnEmptyHistogramReportsZeros()
    {
        var histogram = new LatencyHistogram();

        Assert.Equal((0L, 0L, 0L, 0.0), (histogram.TotalCount, histogram.ValueAtPercentile(99), histogram.Max, histogram.Mean));
        Assert.Empty(histogram.RecordedValues());
    }

    [Fact]
    public void NegativeValuesAndPercentilesOutsideZeroToHundredAreRejected()
    {
        var histogram = new LatencyHistogram();

        Assert.Throws<ArgumentOutOfRangeException>(() => histogram.Record(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => histogram.ValueAtPercentile(100.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatencyHistogram(significantDigits: 0));
    }

    [Theory]
    [InlineData(99.9, 1000, 999)]
    [InlineData(99, 100, 99)]
    [InlineData(50, 3, 2)]
    [InlineData(0, 10, 1)]
    [InlineData(100, 10, 10)]
    public void NearestRankIsNotPushedUpByFloatingPointNoise(double percentile, long count, long rank) =>
        Assert.Equal(rank, LatencyHistogram.NearestRank(percentile, count));

    [Fact]
    public void RecordingFromManyThreadsLosesNoCounts()
    {
        var histogram = new LatencyHistogram();

        Parallel.For(0, 100_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => histogram.Record(i % 5000));

        Assert.Equal(100_000, histogram.TotalCount);
        Assert.Equal(100_000, histogram.RecordedValues().Sum(v => v.Count));
        Assert.Equal(4999, histogram.Max);
    }

    [Fact]
    public void ElapsedTimeIsRecordedInMicroseconds()
    {
        var histogram = new LatencyHistogram();
        var start = Stopwatch.GetTimestamp();

        histogram.RecordElapsed(start, start + (Stopwatch.Frequency / 1000 * 3));

        Assert.Equal(3000, histogram.Max);
    }

    /// <summary>The smallest value with at least the percentile's share of values at or below it.</summary>
    private static long ExactNearestRank(long[] sorted, double percentile)
    {
        var rank = (long)Math.Ceiling((decimal)percentile / 100m * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}
