using PaymentPlatform.Hosting.Dashboard.Storage;
using PaymentPlatform.Otlp.Trace.V1;

namespace PaymentPlatform.Hosting.Dashboard.Api;

/// <summary>Stored records to API contracts, plus what a chart or waterfall needs derived from them.</summary>
internal static class TelemetryMapping
{
    private static readonly (string Name, double Quantile)[] Quantiles = [("p50", 0.5), ("p90", 0.9), ("p99", 0.99)];

    public static LogEntryDto ToDto(LogRecordEntry log) => new(
        log.Sequence,
        UnixNanos.ToDateTimeOffset(log.TimeNanos),
        TelemetryFilter.LevelName(log.SeverityNumber),
        log.SeverityNumber,
        log.SeverityText,
        log.Message,
        log.Scope,
        log.Resource.Name,
        log.Resource.InstanceId,
        log.Resource.DisplayName,
        log.TraceId.IsEmpty ? null : log.TraceId.ToString(),
        SpanIds.Format(log.SpanId),
        log.EventName,
        ToDictionary(log.Attributes));

    public static SpanDto ToDto(SpanRecord span, int? depth) => new(
        span.Sequence,
        span.TraceId.ToString(),
        SpanIds.Format(span.SpanId)!,
        SpanIds.Format(span.ParentSpanId),
        span.Name,
        KindName(span.Kind),
        span.Resource.Name,
        span.Resource.InstanceId,
        span.Resource.DisplayName,
        span.Scope,
        UnixNanos.ToDateTimeOffset(span.StartNanos),
        UnixNanos.ToDateTimeOffset(span.EndNanos),
        UnixNanos.Milliseconds(span.EndNanos - span.StartNanos),
        span.Status switch
        {
            Status.Types.StatusCode.Ok => "Ok",
            Status.Types.StatusCode.Error => "Error",
            _ => "Unset",
        },
        span.StatusMessage,
        ToDictionary(span.Attributes),
        [.. span.Events.Select(e => new SpanEventDto(e.Name, UnixNanos.ToDateTimeOffset(e.TimeNanos), ToDictionary(e.Attributes)))],
        [.. span.Links.Select(l => new SpanLinkDto(l.TraceId.ToString(), SpanIds.Format(l.SpanId), ToDictionary(l.Attributes)))],
        depth);

    public static TraceSummaryDto ToSummary(TraceSnapshot trace) => new(
        trace.Sequence,
        trace.Id.ToString(),
        trace.Root?.Name ?? "",
        trace.Root?.Resource.Name,
        UnixNanos.ToDateTimeOffset(trace.StartNanos),
        UnixNanos.Milliseconds(trace.EndNanos - trace.StartNanos),
        trace.Spans.Length,
        trace.ErrorCount,
        ResourcesOf(trace));

    public static TraceDetailDto ToDetail(TraceSnapshot trace, IReadOnlyList<LogRecordEntry> logs) => new(
        trace.Id.ToString(),
        trace.Root?.Name ?? "",
        UnixNanos.ToDateTimeOffset(trace.StartNanos),
        UnixNanos.ToDateTimeOffset(trace.EndNanos),
        UnixNanos.Milliseconds(trace.EndNanos - trace.StartNanos),
        trace.Spans.Length,
        trace.ErrorCount,
        ResourcesOf(trace),
        [.. Waterfall(trace.Spans).Select(s => ToDto(s.Span, s.Depth))],
        [.. logs.Select(ToDto)]);

    /// <summary>
    /// Spans in waterfall order: each root (no parent, or a parent that has not arrived) by start
    /// time, then depth-first through its children by start time.
    /// </summary>
    public static List<(SpanRecord Span, int Depth)> Waterfall(IReadOnlyList<SpanRecord> spans)
    {
        var ids = spans.Select(s => s.SpanId).ToHashSet();
        var children = spans.Where(s => s.ParentSpanId != 0 && ids.Contains(s.ParentSpanId)).ToLookup(s => s.ParentSpanId);
        var ordered = new List<(SpanRecord, int)>(spans.Count);
        var stack = new Stack<(SpanRecord Span, int Depth)>();
        foreach (var root in spans.Where(s => s.ParentSpanId == 0 || !ids.Contains(s.ParentSpanId)).OrderByDescending(s => s.StartNanos))
        {
            stack.Push((root, 0));
        }
        while (stack.TryPop(out var next))
        {
            ordered.Add(next);
            foreach (var child in children[next.Span.SpanId].OrderByDescending(s => s.StartNanos))
            {
                stack.Push((child, next.Depth + 1));
            }
        }
        return ordered;
    }

    public static InstrumentDto ToDto(InstrumentSnapshot instrument) => new(
        instrument.Resource.Name,
        instrument.Resource.InstanceId,
        instrument.Resource.DisplayName,
        instrument.Meter,
        instrument.Name,
        instrument.Description,
        instrument.Unit,
        instrument.Kind.ToString().ToLowerInvariant(),
        instrument.IsMonotonic,
        instrument.Temporality,
        instrument.Series.Length,
        instrument.LastTimeNanos == 0 ? null : UnixNanos.ToDateTimeOffset(instrument.LastTimeNanos));

    public static InstrumentDataDto ToData(InstrumentSnapshot instrument, TelemetryFilter filter) => new(
        ToDto(instrument),
        [.. instrument.Series.Select(series => new MetricSeriesDto(ToDictionary(series.Attributes), Points(instrument, series, filter)))]);

    private static List<MetricPointDto> Points(InstrumentSnapshot instrument, SeriesSnapshot series, TelemetryFilter filter)
    {
        var result = new List<MetricPointDto>();
        MetricPoint? previous = null;
        foreach (var point in series.Points)
        {
            // Derived values need the previous point even when it is outside the time range.
            var dto = point switch
            {
                NumberPoint n => NumberDto(instrument, n, previous as NumberPoint),
                HistogramPoint h => HistogramDto(instrument, h, previous as HistogramPoint),
                _ => null,
            };
            previous = point;
            if (dto is not null && filter.MatchesTime(point.TimeNanos))
            {
                result.Add(dto);
            }
        }
        return result;
    }

    private static MetricPointDto NumberDto(InstrumentSnapshot instrument, NumberPoint point, NumberPoint? previous)
    {
        double? rate = null;
        if (instrument.Kind == MetricKind.Sum && instrument.IsMonotonic)
        {
            if (instrument.Temporality == "delta")
            {
                rate = PerSecond(point.Value, point.TimeNanos - point.StartNanos);
            }
            else if (previous is not null && previous.StartNanos == point.StartNanos && point.Value >= previous.Value)
            {
                rate = PerSecond(point.Value - previous.Value, point.TimeNanos - previous.TimeNanos);
            }
        }
        return new MetricPointDto(UnixNanos.ToDateTimeOffset(point.StartNanos), UnixNanos.ToDateTimeOffset(point.TimeNanos),
            point.Value, null, null, null, null, null, null, rate, null);
    }

    private static MetricPointDto HistogramDto(InstrumentSnapshot instrument, HistogramPoint point, HistogramPoint? previous)
    {
        // The interval's own buckets: a delta point is one already; a cumulative point minus the one before.
        var counts = point.BucketCounts;
        var count = point.Count;
        var intervalNanos = point.TimeNanos - point.StartNanos;
        if (instrument.Temporality != "delta" && previous is not null && previous.StartNanos == point.StartNanos
            && previous.Count <= point.Count && previous.BucketCounts.Length == counts.Length)
        {
            counts = [.. counts.Select((c, i) => c >= previous.BucketCounts[i] ? c - previous.BucketCounts[i] : 0)];
            count = point.Count - previous.Count;
            intervalNanos = point.TimeNanos - previous.TimeNanos;
        }
        Dictionary<string, double>? percentiles = null;
        if (count > 0 && point.Bounds.Length > 0)
        {
            percentiles = [];
            foreach (var (name, quantile) in Quantiles)
            {
                percentiles[name] = Percentile(point.Bounds, counts, count, quantile);
            }
        }
        return new MetricPointDto(UnixNanos.ToDateTimeOffset(point.StartNanos), UnixNanos.ToDateTimeOffset(point.TimeNanos),
            null, point.Count, point.Sum, point.Min, point.Max, point.Bounds, point.BucketCounts,
            PerSecond(count, intervalNanos), percentiles);
    }

    /// <summary>
    /// The value below which <paramref name="quantile"/> of the counts fall, interpolated linearly
    /// inside its bucket (as Prometheus' histogram_quantile does); the open top bucket reports its lower bound.
    /// </summary>
    public static double Percentile(double[] bounds, ulong[] counts, ulong total, double quantile)
    {
        var target = quantile * total;
        double cumulative = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] == 0)
            {
                continue;
            }
            if (cumulative + counts[i] >= target)
            {
                if (i >= bounds.Length)
                {
                    return bounds[^1];
                }
                var lower = i == 0 ? Math.Min(0, bounds[0]) : bounds[i - 1];
                var upper = bounds[i];
                return lower + ((upper - lower) * (target - cumulative) / counts[i]);
            }
            cumulative += counts[i];
        }
        return bounds[^1];
    }

    private static double? PerSecond(double amount, long nanos) => nanos > 0 ? amount / (nanos / 1e9) : null;

    private static List<TraceResourceDto> ResourcesOf(TraceSnapshot trace) =>
        [.. trace.Spans.GroupBy(s => s.Resource.Name).OrderBy(g => g.Min(s => s.StartNanos)).Select(g => new TraceResourceDto(g.Key, g.Count()))];

    private static string KindName(Span.Types.SpanKind kind) => kind switch
    {
        Span.Types.SpanKind.Server => "Server",
        Span.Types.SpanKind.Client => "Client",
        Span.Types.SpanKind.Producer => "Producer",
        Span.Types.SpanKind.Consumer => "Consumer",
        Span.Types.SpanKind.Internal => "Internal",
        _ => "Unspecified",
    };

    public static Dictionary<string, string> ToDictionary(KeyValuePair<string, string>[] attributes)
    {
        var result = new Dictionary<string, string>(attributes.Length, StringComparer.Ordinal);
        foreach (var (key, value) in attributes)
        {
            result[key] = value;
        }
        return result;
    }
}
