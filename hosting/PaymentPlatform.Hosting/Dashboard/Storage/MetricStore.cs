namespace PaymentPlatform.Hosting.Dashboard.Storage;

internal enum MetricKind
{
    Gauge,
    Sum,
    Histogram,
}

/// <summary>One point of a series: a number, or a histogram's buckets.</summary>
internal abstract class MetricPoint
{
    public required long StartNanos { get; init; }

    /// <summary>When the value was last reported; an unchanged value extends its point instead of adding one.</summary>
    public required long TimeNanos { get; set; }

    /// <summary>
    /// When the value was first reported (set as the point is stored). A change happened between
    /// the previous point's <see cref="TimeNanos"/> and this, however long the value then stays.
    /// </summary>
    public long FirstTimeNanos { get; set; }

    public abstract bool SameValueAs(MetricPoint other);
}

internal sealed class NumberPoint : MetricPoint
{
    public required double Value { get; init; }

    public override bool SameValueAs(MetricPoint other) =>
        other is NumberPoint n && n.Value.Equals(Value);
}

internal sealed class HistogramPoint : MetricPoint
{
    public required ulong Count { get; init; }
    public double? Sum { get; init; }
    public double? Min { get; init; }
    public double? Max { get; init; }

    /// <summary>Upper bounds, ascending; bucket i counts values in (bounds[i-1], bounds[i]], the last bucket everything above.</summary>
    public required double[] Bounds { get; init; }
    public required ulong[] BucketCounts { get; init; }

    public override bool SameValueAs(MetricPoint other) =>
        other is HistogramPoint h && h.Count == Count && Nullable.Equals(h.Sum, Sum)
        && h.BucketCounts.AsSpan().SequenceEqual(BucketCounts) && h.Bounds.AsSpan().SequenceEqual(Bounds);
}

/// <summary>The points of one instrument for one attribute set.</summary>
internal sealed class MetricSeries(KeyValuePair<string, string>[] attributes)
{
    public KeyValuePair<string, string>[] Attributes { get; } = attributes;

    public Queue<MetricPoint> Points { get; } = new();

    /// <summary>The newest point (a queue's last element is not O(1) to reach).</summary>
    public MetricPoint? Last { get; set; }
}

/// <summary>An instrument (meter + name) of one resource instance, with a series per attribute set.</summary>
internal sealed class InstrumentRecord(TelemetryResource resource, string meter, string name)
{
    public TelemetryResource Resource { get; } = resource;
    public string Meter { get; } = meter;
    public string Name { get; } = name;
    public string? Description { get; set; }
    public string? Unit { get; set; }
    public MetricKind Kind { get; set; }
    public bool IsMonotonic { get; set; }

    /// <summary>OTLP's aggregation temporality: <c>cumulative</c>, <c>delta</c>, or null for gauges.</summary>
    public string? Temporality { get; set; }

    public Dictionary<string, MetricSeries> Series { get; } = new(StringComparer.Ordinal);

    public long LastTimeNanos { get; set; }
}

/// <summary>A converted data point, before it is stored.</summary>
internal sealed record IncomingPoint(string SeriesKey, KeyValuePair<string, string>[] Attributes, MetricPoint Point);

/// <summary>A converted metric (one instrument's points from one request), before it is stored.</summary>
internal sealed record IncomingMetric(
    TelemetryResource Resource, string Meter, string Name, string? Description, string? Unit,
    MetricKind Kind, bool IsMonotonic, string? Temporality, List<IncomingPoint> Points);

/// <summary>
/// Metrics as time series per resource instance, instrument and attribute set. Each resource
/// instance keeps at most <see cref="TelemetryLimits.MaxMetricsCount"/> points across its series;
/// beyond that its oldest point goes. A value reported again unchanged extends the last point
/// (as the Aspire dashboard does), so idle series cost nothing.
/// </summary>
internal sealed class MetricStore(TelemetryLimits limits)
{
    private readonly Dictionary<TelemetryResource, ResourceMetrics> _resources = [];
    private readonly Lock _lock = new();

    public long PointsAccepted { get; private set; }

    public long PointsRejected { get; private set; }

    public long PointsEvicted { get; private set; }

    public int PointCount
    {
        get
        {
            lock (_lock)
            {
                return _resources.Values.Sum(r => r.PointOrder.Count);
            }
        }
    }

    public void Add(List<IncomingMetric> metrics, int rejected)
    {
        lock (_lock)
        {
            foreach (var metric in metrics)
            {
                if (!_resources.TryGetValue(metric.Resource, out var resource))
                {
                    resource = new ResourceMetrics();
                    _resources.Add(metric.Resource, resource);
                }
                if (!resource.Instruments.TryGetValue((metric.Meter, metric.Name), out var instrument))
                {
                    instrument = new InstrumentRecord(metric.Resource, metric.Meter, metric.Name);
                    resource.Instruments.Add((metric.Meter, metric.Name), instrument);
                }
                instrument.Description = metric.Description;
                instrument.Unit = metric.Unit;
                instrument.Kind = metric.Kind;
                instrument.IsMonotonic = metric.IsMonotonic;
                instrument.Temporality = metric.Temporality;
                foreach (var incoming in metric.Points)
                {
                    AddPoint(resource, instrument, incoming);
                }
                PointsAccepted += metric.Points.Count;
            }
            PointsRejected += rejected;
        }
    }

    private void AddPoint(ResourceMetrics resource, InstrumentRecord instrument, IncomingPoint incoming)
    {
        instrument.LastTimeNanos = Math.Max(instrument.LastTimeNanos, incoming.Point.TimeNanos);
        if (!instrument.Series.TryGetValue(incoming.SeriesKey, out var series))
        {
            series = new MetricSeries(incoming.Attributes);
            instrument.Series.Add(incoming.SeriesKey, series);
        }
        else if (series.Last is { } last && series.Points.Count > 0)
        {
            if (last.StartNanos == incoming.Point.StartNanos && last.SameValueAs(incoming.Point))
            {
                last.TimeNanos = Math.Max(last.TimeNanos, incoming.Point.TimeNanos);
                return;
            }
        }
        incoming.Point.FirstTimeNanos = incoming.Point.TimeNanos;
        series.Points.Enqueue(incoming.Point);
        series.Last = incoming.Point;
        resource.PointOrder.Enqueue((instrument, incoming.SeriesKey, series));
        while (resource.PointOrder.Count > limits.MaxMetricsCount)
        {
            var (oldestInstrument, key, oldestSeries) = resource.PointOrder.Dequeue();
            oldestSeries.Points.Dequeue();
            PointsEvicted++;
            if (oldestSeries.Points.Count == 0)
            {
                oldestInstrument.Series.Remove(key);
            }
        }
    }

    /// <summary>Every instrument matching <paramref name="match"/>, with copies of its series' points.</summary>
    public List<InstrumentSnapshot> Query(Func<InstrumentRecord, bool> match, Func<MetricSeries, bool>? seriesMatch = null, bool includePoints = true)
    {
        lock (_lock)
        {
            var result = new List<InstrumentSnapshot>();
            foreach (var resource in _resources.Values)
            {
                foreach (var instrument in resource.Instruments.Values)
                {
                    if (!match(instrument))
                    {
                        continue;
                    }
                    var series = instrument.Series.Values
                        .Where(s => seriesMatch is null || seriesMatch(s))
                        .Select(s => new SeriesSnapshot(s.Attributes, includePoints ? [.. s.Points] : []))
                        .ToArray();
                    result.Add(new InstrumentSnapshot(instrument.Resource, instrument.Meter, instrument.Name, instrument.Description, instrument.Unit,
                        instrument.Kind, instrument.IsMonotonic, instrument.Temporality, instrument.LastTimeNanos, series));
                }
            }
            return result;
        }
    }

    private sealed class ResourceMetrics
    {
        public Dictionary<(string Meter, string Name), InstrumentRecord> Instruments { get; } = [];

        /// <summary>One entry per stored point, oldest first: which series to take the oldest point from.</summary>
        public Queue<(InstrumentRecord Instrument, string SeriesKey, MetricSeries Series)> PointOrder { get; } = new();
    }
}

internal sealed record SeriesSnapshot(KeyValuePair<string, string>[] Attributes, MetricPoint[] Points);

internal sealed record InstrumentSnapshot(
    TelemetryResource Resource, string Meter, string Name, string? Description, string? Unit,
    MetricKind Kind, bool IsMonotonic, string? Temporality, long LastTimeNanos, SeriesSnapshot[] Series);
