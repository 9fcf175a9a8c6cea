using PaymentPlatform.Hosting.Dashboard.Storage;

namespace PaymentPlatform.Hosting.Dashboard.Api;

/// <summary>
/// An instrument as a chart: its series from every matching resource instance merged into groups
/// (by attribute, resource or instance) and cut into fixed time steps, so the browser only draws.
/// </summary>
/// <remarks>
/// Each step holds what happened in it. Histograms: the values recorded (count, rate per second,
/// and p50/p90/p99 of the merged buckets); monotonic sums: the increase and its rate; gauges and
/// up-down sums: the value in force, summed over the group's series. A change between two reports
/// is placed at the report that first carried it (<see cref="MetricPoint.FirstTimeNanos"/>), not
/// where an unchanged value was last extended to.
/// </remarks>
internal static class MetricCharts
{
    public const int MaxSteps = 1000;
    public const int DefaultSteps = 60;
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(5);
    private const long NanosPerSecond = 1_000_000_000;
    private static readonly (string Name, double Quantile)[] Quantiles = [("p50", 0.5), ("p90", 0.9), ("p99", 0.99)];

    /// <summary>The window and step of a chart: steps aligned to multiples of the step, so polls see the same steps.</summary>
    public static bool TryGetWindow(TelemetryFilter filter, long nowNanos, out long fromNanos, out long stepNanos, out int steps, out string error)
    {
        var to = filter.ToNanos ?? nowNanos;
        var from = filter.FromNanos ?? to - (long)(DefaultWindow.TotalSeconds * NanosPerSecond);
        fromNanos = stepNanos = 0;
        steps = 0;
        error = "";
        if (from >= to)
        {
            error = "from must be before to.";
            return false;
        }
        var stepSeconds = filter.StepSeconds ?? Math.Max(1, Math.Ceiling((to - from) / (double)NanosPerSecond / DefaultSteps));
        stepNanos = (long)(stepSeconds * NanosPerSecond);
        fromNanos = from - (from % stepNanos);
        var count = (to - fromNanos + stepNanos - 1) / stepNanos;
        if (count > MaxSteps)
        {
            error = $"from/to and step make {count} steps; at most {MaxSteps}. Use a larger step.";
            return false;
        }
        steps = (int)count;
        return true;
    }

    public static MetricChartDto Build(IReadOnlyList<InstrumentSnapshot> instruments, TelemetryFilter filter, long fromNanos, long stepNanos, int steps)
    {
        var shape = instruments[0];
        var groups = new SortedDictionary<string, Group>(StringComparer.Ordinal);
        foreach (var instrument in instruments.Where(i => i.Kind == shape.Kind && i.IsMonotonic == shape.IsMonotonic))
        {
            foreach (var series in instrument.Series)
            {
                var key = GroupOf(instrument, series, filter.GroupBy);
                var label = string.Join(", ", key.Select(k => filter.GroupBy.Length == 1 ? k.Value : $"{k.Key}={k.Value}"));
                if (!groups.TryGetValue(label, out var group))
                {
                    group = new Group(key, steps);
                    groups.Add(label, group);
                }
                var window = new Window(fromNanos, stepNanos, steps);
                switch (instrument.Kind)
                {
                    case MetricKind.Histogram:
                        AddHistogram(group, instrument, series, window);
                        break;
                    case MetricKind.Sum when instrument.IsMonotonic:
                        AddIncreases(group, instrument, series, window);
                        break;
                    default:
                        AddValues(group, series, window);
                        break;
                }
            }
        }

        var stepSeconds = stepNanos / (double)NanosPerSecond;
        var result = groups.Select(g => new ChartSeriesDto(
            g.Key.Length == 0 ? shape.Name : g.Key,
            g.Value.Key,
            [.. Enumerable.Range(0, steps).Select(i => Point(shape, g.Value, i, fromNanos + (i * stepNanos), stepSeconds))])).ToList();
        return new MetricChartDto(
            shape.Name, shape.Unit, shape.Description, shape.Kind.ToString().ToLowerInvariant(), shape.IsMonotonic,
            UnixNanos.ToDateTimeOffset(fromNanos), UnixNanos.ToDateTimeOffset(fromNanos + (steps * stepNanos)), stepSeconds,
            [.. instruments.Select(i => i.Resource.DisplayName).Distinct().Order(StringComparer.Ordinal)],
            result);
    }

    private static ChartPointDto Point(InstrumentSnapshot shape, Group group, int step, long timeNanos, double stepSeconds)
    {
        var time = UnixNanos.ToDateTimeOffset(timeNanos);
        switch (shape.Kind)
        {
            case MetricKind.Histogram:
                Dictionary<string, double>? percentiles = null;
                var count = group.Counts[step];
                if (count > 0 && group.Bounds is { Length: > 0 } bounds && group.Buckets[step] is { } buckets && buckets.Aggregate(0UL, (a, b) => a + b) is var bucketTotal and > 0)
                {
                    percentiles = Quantiles.ToDictionary(q => q.Name, q => TelemetryMapping.Percentile(bounds, buckets, bucketTotal, q.Quantile));
                }
                return new ChartPointDto(time, null, count / stepSeconds, count, percentiles);
            case MetricKind.Sum when shape.IsMonotonic:
                return new ChartPointDto(time, group.Values[step] ?? 0, (group.Values[step] ?? 0) / stepSeconds, null, null);
            default:
                return new ChartPointDto(time, group.Values[step], null, null, null);
        }
    }

    private static void AddHistogram(Group group, InstrumentSnapshot instrument, SeriesSnapshot series, Window window)
    {
        HistogramPoint? previous = null;
        foreach (var point in series.Points.OfType<HistogramPoint>())
        {
            var step = window.StepOf(ChangedAt(point));
            if (step is { } i && Increase(instrument, point, previous, window.FromNanos) is { } increase)
            {
                var (count, counts) = increase;
                group.Counts[i] += count;
                group.Bounds ??= point.Bounds;
                if (group.Bounds.AsSpan().SequenceEqual(point.Bounds))
                {
                    var buckets = group.Buckets[i] ??= new ulong[counts.Length];
                    for (var b = 0; b < counts.Length && b < buckets.Length; b++)
                    {
                        buckets[b] += counts[b];
                    }
                }
            }
            previous = point;
        }
    }

    /// <summary>What a histogram point adds to the one before; null when the baseline is unknown.</summary>
    private static (ulong Count, ulong[] Counts)? Increase(InstrumentSnapshot instrument, HistogramPoint point, HistogramPoint? previous, long fromNanos)
    {
        if (instrument.Temporality == "delta")
        {
            return (point.Count, point.BucketCounts);
        }
        if (previous is not null && previous.StartNanos == point.StartNanos && previous.Count <= point.Count && previous.BucketCounts.Length == point.BucketCounts.Length)
        {
            return (point.Count - previous.Count, [.. point.BucketCounts.Select((c, i) => c >= previous.BucketCounts[i] ? c - previous.BucketCounts[i] : 0)]);
        }
        // A restart (new start time, lower count) counts from zero; so does a series that began in the window.
        return previous is not null || point.StartNanos >= fromNanos ? (point.Count, point.BucketCounts) : null;
    }

    private static void AddIncreases(Group group, InstrumentSnapshot instrument, SeriesSnapshot series, Window window)
    {
        NumberPoint? previous = null;
        foreach (var point in series.Points.OfType<NumberPoint>())
        {
            if (window.StepOf(ChangedAt(point)) is { } i)
            {
                double? increase = instrument.Temporality == "delta" ? point.Value
                    : previous is not null && previous.StartNanos == point.StartNanos && previous.Value <= point.Value ? point.Value - previous.Value
                    : previous is not null || point.StartNanos >= window.FromNanos ? point.Value
                    : null;
                if (increase is { } value)
                {
                    group.Values[i] = (group.Values[i] ?? 0) + value;
                }
            }
            previous = point;
        }
    }

    /// <summary>A gauge's value in each step: the last point in force during it (from its first report until the next point, or its last report).</summary>
    private static void AddValues(Group group, SeriesSnapshot series, Window window)
    {
        var points = series.Points.OfType<NumberPoint>().ToArray();
        var values = new double?[window.Steps];
        for (var p = 0; p < points.Length; p++)
        {
            var start = ChangedAt(points[p]);
            var end = p + 1 < points.Length ? ChangedAt(points[p + 1]) : points[p].TimeNanos + 1;
            if (end <= window.FromNanos)
            {
                continue;
            }
            var first = Math.Max(0, (start - window.FromNanos) / window.StepNanos);
            var last = Math.Min(window.Steps - 1, (end - 1 - window.FromNanos) / window.StepNanos);
            for (var i = first; i <= last; i++)
            {
                values[i] = points[p].Value;
            }
        }
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is { } value)
            {
                group.Values[i] = (group.Values[i] ?? 0) + value;
            }
        }
    }

    private static long ChangedAt(MetricPoint point) => point.FirstTimeNanos != 0 ? point.FirstTimeNanos : point.TimeNanos;

    private static Dictionary<string, string> GroupOf(InstrumentSnapshot instrument, SeriesSnapshot series, string[] groupBy)
    {
        var key = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in groupBy)
        {
            key[name] = name switch
            {
                "resource" => instrument.Resource.Name,
                "instance" => instrument.Resource.DisplayName,
                _ => Find(series.Attributes, name) ?? Find(instrument.Resource.Attributes, name) ?? "",
            };
        }
        return key;

        static string? Find(KeyValuePair<string, string>[] attributes, string key)
        {
            foreach (var attribute in attributes)
            {
                if (attribute.Key == key)
                {
                    return attribute.Value;
                }
            }
            return null;
        }
    }

    private readonly record struct Window(long FromNanos, long StepNanos, int Steps)
    {
        public int? StepOf(long nanos) =>
            nanos >= FromNanos && (nanos - FromNanos) / StepNanos is var i && i < Steps ? (int)i : null;
    }

    private sealed class Group(Dictionary<string, string> key, int steps)
    {
        public Dictionary<string, string> Key { get; } = key;
        public ulong[] Counts { get; } = new ulong[steps];
        public ulong[]?[] Buckets { get; } = new ulong[]?[steps];
        public double?[] Values { get; } = new double?[steps];
        public double[]? Bounds { get; set; }
    }
}
