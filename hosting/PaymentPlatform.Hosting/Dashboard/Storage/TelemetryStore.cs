using System.Text;
using PaymentPlatform.Otlp.Collector.Logs.V1;
using PaymentPlatform.Otlp.Collector.Metrics.V1;
using PaymentPlatform.Otlp.Collector.Trace.V1;
using PaymentPlatform.Otlp.Metrics.V1;
using PaymentPlatform.Otlp.Trace.V1;

namespace PaymentPlatform.Hosting.Dashboard.Storage;

/// <summary>What an export request left out, for OTLP's partial success (zero rejected: full success).</summary>
internal readonly record struct IngestResult(int Rejected, string? Error);

/// <summary>
/// The dashboard's in-memory telemetry: converts OTLP export requests into compact records
/// (outside any lock) and stores them in bounded stores for traces, logs and metrics.
/// </summary>
internal sealed class TelemetryStore
{
    private readonly TelemetryLimits _limits;
    private readonly StringPool _strings = new();

    public TelemetryStore(TelemetryLimits limits)
    {
        _limits = limits;
        Resources = new TelemetryResourceRegistry(limits);
        Traces = new TraceStore(limits);
        Logs = new LogStore(limits);
        Metrics = new MetricStore(limits);
    }

    public TelemetryLimits Limits => _limits;

    public TelemetryResourceRegistry Resources { get; }

    public TraceStore Traces { get; }

    public LogStore Logs { get; }

    public MetricStore Metrics { get; }

    public IngestResult AddTraces(ExportTraceServiceRequest request)
    {
        var spans = new List<SpanRecord>();
        var rejected = 0;
        string? error = null;
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var resource = Resources.GetOrAdd(resourceSpans.Resource);
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                var scope = _strings.Intern(scopeSpans.Scope?.Name ?? "");
                foreach (var span in scopeSpans.Spans)
                {
                    if (!TraceId.TryRead(span.TraceId, out var traceId) || traceId.IsEmpty
                        || !SpanIds.TryRead(span.SpanId, out var spanId) || spanId == 0
                        || !SpanIds.TryRead(span.ParentSpanId, out var parentSpanId))
                    {
                        rejected++;
                        error ??= $"span '{span.Name}' has an invalid trace id, span id or parent span id (they must be 16, 8 and 0 or 8 bytes, not all zero)";
                        continue;
                    }
                    spans.Add(Convert(span, resource, scope, traceId, spanId, parentSpanId));
                }
            }
        }
        rejected += Traces.Add(spans, rejected, ref error);
        return new IngestResult(rejected, error);
    }

    private SpanRecord Convert(Span span, TelemetryResource resource, string scope, TraceId traceId, ulong spanId, ulong parentSpanId)
    {
        var events = span.Events.Count == 0 ? [] : new SpanEventRecord[Math.Min(span.Events.Count, _limits.MaxSpanEventCount)];
        for (var i = 0; i < events.Length; i++)
        {
            var e = span.Events[i];
            events[i] = new SpanEventRecord(_strings.Intern(e.Name), (long)e.TimeUnixNano, OtlpValues.Attributes(e.Attributes, _limits, _strings));
        }
        var links = new List<SpanLinkRecord>(span.Links.Count);
        foreach (var link in span.Links)
        {
            if (TraceId.TryRead(link.TraceId, out var linkedTrace) && SpanIds.TryRead(link.SpanId, out var linkedSpan))
            {
                links.Add(new SpanLinkRecord(linkedTrace, linkedSpan, OtlpValues.Attributes(link.Attributes, _limits, _strings)));
            }
        }
        var start = (long)span.StartTimeUnixNano;
        return new SpanRecord
        {
            Resource = resource,
            Scope = scope,
            TraceId = traceId,
            SpanId = spanId,
            ParentSpanId = parentSpanId,
            Name = _strings.Intern(span.Name),
            Kind = span.Kind,
            StartNanos = start,
            EndNanos = Math.Max(start, (long)span.EndTimeUnixNano),
            Status = span.Status?.Code ?? Status.Types.StatusCode.Unset,
            StatusMessage = string.IsNullOrEmpty(span.Status?.Message) ? null : span.Status.Message,
            Attributes = OtlpValues.Attributes(span.Attributes, _limits, _strings),
            Events = events,
            Links = [.. links],
        };
    }

    public IngestResult AddLogs(ExportLogsServiceRequest request)
    {
        var entries = new List<LogRecordEntry>();
        var rejected = 0;
        string? error = null;
        foreach (var resourceLogs in request.ResourceLogs)
        {
            var resource = Resources.GetOrAdd(resourceLogs.Resource);
            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                var scope = _strings.Intern(scopeLogs.Scope?.Name ?? "");
                foreach (var log in scopeLogs.LogRecords)
                {
                    var traceId = default(TraceId);
                    if ((log.TraceId.Length != 0 && !TraceId.TryRead(log.TraceId, out traceId)) || !SpanIds.TryRead(log.SpanId, out var spanId))
                    {
                        rejected++;
                        error ??= "a log record has an invalid trace id or span id (they must be empty, or 16 and 8 bytes)";
                        continue;
                    }
                    var time = log.TimeUnixNano != 0 ? log.TimeUnixNano : log.ObservedTimeUnixNano;
                    entries.Add(new LogRecordEntry
                    {
                        Resource = resource,
                        Scope = scope,
                        TimeNanos = time != 0 ? (long)time : UnixNanos.Now(),
                        SeverityNumber = (int)log.SeverityNumber,
                        SeverityText = string.IsNullOrEmpty(log.SeverityText) ? null : _strings.Intern(log.SeverityText),
                        Message = OtlpValues.Truncate(OtlpValues.ToText(log.Body), _limits.MaxAttributeLength),
                        EventName = string.IsNullOrEmpty(log.EventName) ? null : _strings.Intern(log.EventName),
                        TraceId = traceId,
                        SpanId = spanId,
                        Attributes = OtlpValues.Attributes(log.Attributes, _limits, _strings),
                    });
                }
            }
        }
        Logs.Add(entries, rejected);
        return new IngestResult(rejected, error);
    }

    public IngestResult AddMetrics(ExportMetricsServiceRequest request)
    {
        var metrics = new List<IncomingMetric>();
        var rejected = 0;
        string? error = null;
        foreach (var resourceMetrics in request.ResourceMetrics)
        {
            var resource = Resources.GetOrAdd(resourceMetrics.Resource);
            foreach (var scopeMetrics in resourceMetrics.ScopeMetrics)
            {
                var meter = scopeMetrics.Scope?.Name ?? "";
                foreach (var metric in scopeMetrics.Metrics)
                {
                    if (metric.DataCase == Metric.DataOneofCase.Summary)
                    {
                        // .NET never exports summaries; OTLP marks them legacy. Say so rather than drop silently.
                        rejected += metric.Summary.DataPoints.Count;
                        error ??= $"summary metrics are not stored ('{metric.Name}'); export histograms instead";
                        continue;
                    }
                    if (Convert(metric, resource, meter) is { } converted)
                    {
                        metrics.Add(converted);
                    }
                }
            }
        }
        Metrics.Add(metrics, rejected);
        return new IngestResult(rejected, error);
    }

    private IncomingMetric? Convert(Metric metric, TelemetryResource resource, string meter)
    {
        var points = new List<IncomingPoint>();
        MetricKind kind;
        var monotonic = false;
        string? temporality = null;
        switch (metric.DataCase)
        {
            case Metric.DataOneofCase.Gauge:
                kind = MetricKind.Gauge;
                AddNumbers(metric.Gauge.DataPoints, points);
                break;
            case Metric.DataOneofCase.Sum:
                kind = MetricKind.Sum;
                monotonic = metric.Sum.IsMonotonic;
                temporality = Temporality(metric.Sum.AggregationTemporality);
                AddNumbers(metric.Sum.DataPoints, points);
                break;
            case Metric.DataOneofCase.Histogram:
                kind = MetricKind.Histogram;
                temporality = Temporality(metric.Histogram.AggregationTemporality);
                foreach (var p in metric.Histogram.DataPoints)
                {
                    if (NoRecordedValue(p.Flags))
                    {
                        continue;
                    }
                    var bounds = p.ExplicitBounds.ToArray();
                    var counts = p.BucketCounts.ToArray();
                    if (counts.Length != bounds.Length + 1)
                    {
                        // A histogram without buckets (count and sum only) is still a valid point.
                        (bounds, counts) = ([], [p.Count]);
                    }
                    Add(points, p.Attributes, new HistogramPoint
                    {
                        StartNanos = (long)p.StartTimeUnixNano,
                        TimeNanos = (long)p.TimeUnixNano,
                        Count = p.Count,
                        Sum = p.HasSum ? p.Sum : null,
                        Min = p.HasMin ? p.Min : null,
                        Max = p.HasMax ? p.Max : null,
                        Bounds = bounds,
                        BucketCounts = counts,
                    });
                }
                break;
            case Metric.DataOneofCase.ExponentialHistogram:
                kind = MetricKind.Histogram;
                temporality = Temporality(metric.ExponentialHistogram.AggregationTemporality);
                foreach (var p in metric.ExponentialHistogram.DataPoints)
                {
                    if (!NoRecordedValue(p.Flags))
                    {
                        Add(points, p.Attributes, ExponentialToExplicit(p));
                    }
                }
                break;
            default:
                return null;
        }
        return new IncomingMetric(resource, meter, metric.Name,
            string.IsNullOrEmpty(metric.Description) ? null : metric.Description,
            string.IsNullOrEmpty(metric.Unit) ? null : metric.Unit,
            kind, monotonic, temporality, points);
    }

    private void AddNumbers(Google.Protobuf.Collections.RepeatedField<NumberDataPoint> source, List<IncomingPoint> points)
    {
        foreach (var p in source)
        {
            if (NoRecordedValue(p.Flags))
            {
                continue;
            }
            Add(points, p.Attributes, new NumberPoint
            {
                StartNanos = (long)p.StartTimeUnixNano,
                TimeNanos = (long)p.TimeUnixNano,
                Value = p.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? p.AsInt : p.AsDouble,
            });
        }
    }

    private void Add(List<IncomingPoint> points, Google.Protobuf.Collections.RepeatedField<PaymentPlatform.Otlp.Common.V1.KeyValue> attributes, MetricPoint point)
    {
        var converted = OtlpValues.Attributes(attributes, _limits, _strings);
        points.Add(new IncomingPoint(SeriesKey(converted), converted, point));
    }

    /// <summary>The attribute set as one string, independent of the order the exporter wrote them in.</summary>
    private static string SeriesKey(KeyValuePair<string, string>[] attributes)
    {
        if (attributes.Length == 0)
        {
            return "";
        }
        var sorted = attributes.Length == 1 ? attributes : [.. attributes.OrderBy(a => a.Key, StringComparer.Ordinal)];
        var sb = new StringBuilder();
        foreach (var (key, value) in sorted)
        {
            sb.Append(key).Append('\u001f').Append(value).Append('\u001e');
        }
        return sb.ToString();
    }

    /// <summary>
    /// An exponential histogram as explicit buckets, so one percentile calculation serves both:
    /// bucket k of scale s holds (base^k, base^(k+1)] with base = 2^(2^-s). Negative values (never
    /// seen for durations and sizes) are counted in the bucket at or below zero.
    /// </summary>
    private static HistogramPoint ExponentialToExplicit(ExponentialHistogramDataPoint p)
    {
        var positive = p.Positive?.BucketCounts ?? [];
        var negative = p.Negative?.BucketCounts.Aggregate(0UL, (a, c) => a + c) ?? 0;
        var offset = p.Positive?.Offset ?? 0;
        var @base = Math.Pow(2, Math.Pow(2, -p.Scale));
        var bounds = new double[positive.Count + 2];
        var counts = new ulong[positive.Count + 3];
        bounds[0] = 0;
        counts[0] = p.ZeroCount + negative;
        bounds[1] = Math.Pow(@base, offset);
        for (var i = 0; i < positive.Count; i++)
        {
            bounds[i + 2] = Math.Pow(@base, offset + i + 1);
            counts[i + 2] = positive[i];
        }
        return new HistogramPoint
        {
            StartNanos = (long)p.StartTimeUnixNano,
            TimeNanos = (long)p.TimeUnixNano,
            Count = p.Count,
            Sum = p.HasSum ? p.Sum : null,
            Min = p.HasMin ? p.Min : null,
            Max = p.HasMax ? p.Max : null,
            Bounds = bounds,
            BucketCounts = counts,
        };
    }

    private static bool NoRecordedValue(uint flags) => (flags & (uint)DataPointFlags.NoRecordedValueMask) != 0;

    private static string? Temporality(AggregationTemporality temporality) => temporality switch
    {
        AggregationTemporality.Cumulative => "cumulative",
        AggregationTemporality.Delta => "delta",
        _ => null,
    };
}
