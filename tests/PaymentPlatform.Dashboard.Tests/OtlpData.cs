using System.Security.Cryptography;
using Google.Protobuf;
using PaymentPlatform.Otlp.Collector.Logs.V1;
using PaymentPlatform.Otlp.Collector.Metrics.V1;
using PaymentPlatform.Otlp.Collector.Trace.V1;
using PaymentPlatform.Otlp.Common.V1;
using PaymentPlatform.Otlp.Logs.V1;
using PaymentPlatform.Otlp.Metrics.V1;
using PaymentPlatform.Otlp.Trace.V1;
using OtlpResource = PaymentPlatform.Otlp.Resource.V1.Resource;

namespace PaymentPlatform.Dashboard.Tests;

/// <summary>OTLP messages for tests, shaped as the host's services send them.</summary>
public static class OtlpData
{
    public static readonly DateTimeOffset BaseTime = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static string NewTraceId() => RandomNumberGenerator.GetHexString(32, lowercase: true);

    public static string NewSpanId() => RandomNumberGenerator.GetHexString(16, lowercase: true);

    public static ulong Nanos(DateTimeOffset time) => (ulong)(time - DateTimeOffset.UnixEpoch).Ticks * 100;

    public static ulong Nanos(double secondsAfterBase) => Nanos(BaseTime.AddSeconds(secondsAfterBase));

    public static OtlpResource Resource(string service, string? instance = null)
    {
        var resource = new OtlpResource();
        resource.Attributes.Add(Attribute("service.name", service));
        if (instance is not null)
        {
            resource.Attributes.Add(Attribute("service.instance.id", instance));
        }
        return resource;
    }

    public static KeyValue Attribute(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    public static KeyValue Attribute(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };

    public static Span NewSpan(
        string traceId, string spanId, string? parentSpanId, string name,
        double startSeconds = 0, double durationMs = 10,
        Span.Types.SpanKind kind = Span.Types.SpanKind.Server,
        bool error = false,
        params KeyValue[] attributes)
    {
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(Convert.FromHexString(traceId)),
            SpanId = ByteString.CopyFrom(Convert.FromHexString(spanId)),
            ParentSpanId = parentSpanId is null ? ByteString.Empty : ByteString.CopyFrom(Convert.FromHexString(parentSpanId)),
            Name = name,
            Kind = kind,
            StartTimeUnixNano = Nanos(startSeconds),
            EndTimeUnixNano = Nanos(startSeconds) + (ulong)(durationMs * 1_000_000),
            Status = new Status { Code = error ? Status.Types.StatusCode.Error : Status.Types.StatusCode.Unset },
        };
        span.Attributes.Add(attributes);
        return span;
    }

    public static ExportTraceServiceRequest Traces(string service, string? instance, params Span[] spans)
    {
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "Microsoft.AspNetCore" } };
        scope.Spans.Add(spans);
        var resourceSpans = new ResourceSpans { Resource = Resource(service, instance) };
        resourceSpans.ScopeSpans.Add(scope);
        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.Add(resourceSpans);
        return request;
    }

    public static LogRecord Log(
        string message, SeverityNumber severity = SeverityNumber.Info, double atSeconds = 0,
        string? traceId = null, string? spanId = null, params KeyValue[] attributes)
    {
        var log = new LogRecord
        {
            TimeUnixNano = Nanos(atSeconds),
            SeverityNumber = severity,
            SeverityText = severity.ToString(),
            Body = new AnyValue { StringValue = message },
            TraceId = traceId is null ? ByteString.Empty : ByteString.CopyFrom(Convert.FromHexString(traceId)),
            SpanId = spanId is null ? ByteString.Empty : ByteString.CopyFrom(Convert.FromHexString(spanId)),
        };
        log.Attributes.Add(attributes);
        return log;
    }

    public static ExportLogsServiceRequest Logs(string service, string? instance, params LogRecord[] records) =>
        Logs(service, instance, "PaymentPlatform.Gateway.Payments", records);

    public static ExportLogsServiceRequest Logs(string service, string? instance, string category, params LogRecord[] records)
    {
        var scope = new ScopeLogs { Scope = new InstrumentationScope { Name = category } };
        scope.LogRecords.Add(records);
        var resourceLogs = new ResourceLogs { Resource = Resource(service, instance) };
        resourceLogs.ScopeLogs.Add(scope);
        var request = new ExportLogsServiceRequest();
        request.ResourceLogs.Add(resourceLogs);
        return request;
    }

    public static NumberDataPoint Number(double value, double atSeconds, double startSeconds = 0, params KeyValue[] attributes)
    {
        var point = new NumberDataPoint { AsDouble = value, StartTimeUnixNano = Nanos(startSeconds), TimeUnixNano = Nanos(atSeconds) };
        point.Attributes.Add(attributes);
        return point;
    }

    public static Metric Counter(string name, params NumberDataPoint[] points)
    {
        var sum = new Sum { IsMonotonic = true, AggregationTemporality = AggregationTemporality.Cumulative };
        sum.DataPoints.Add(points);
        return new Metric { Name = name, Unit = "{request}", Sum = sum };
    }

    public static Metric Gauge(string name, params NumberDataPoint[] points)
    {
        var gauge = new Gauge();
        gauge.DataPoints.Add(points);
        return new Metric { Name = name, Gauge = gauge };
    }

    /// <summary>A cumulative histogram point with bounds 10, 100, 1000 (ms).</summary>
    public static HistogramDataPoint HistogramPoint(ulong[] bucketCounts, double atSeconds, double startSeconds = 0, params KeyValue[] attributes)
    {
        var point = new HistogramDataPoint
        {
            StartTimeUnixNano = Nanos(startSeconds),
            TimeUnixNano = Nanos(atSeconds),
            Count = bucketCounts.Aggregate(0UL, (a, b) => a + b),
            Sum = 1,
        };
        point.ExplicitBounds.Add([10, 100, 1000]);
        point.BucketCounts.Add(bucketCounts);
        point.Attributes.Add(attributes);
        return point;
    }

    public static Metric Histogram(string name, params HistogramDataPoint[] points)
    {
        var histogram = new Histogram { AggregationTemporality = AggregationTemporality.Cumulative };
        histogram.DataPoints.Add(points);
        return new Metric { Name = name, Unit = "ms", Histogram = histogram };
    }

    public static ExportMetricsServiceRequest Metrics(string service, string? instance, params Metric[] metrics)
    {
        var scope = new ScopeMetrics { Scope = new InstrumentationScope { Name = "Microsoft.AspNetCore.Hosting" } };
        scope.Metrics.Add(metrics);
        var resourceMetrics = new ResourceMetrics { Resource = Resource(service, instance) };
        resourceMetrics.ScopeMetrics.Add(scope);
        var request = new ExportMetricsServiceRequest();
        request.ResourceMetrics.Add(resourceMetrics);
        return request;
    }
}
