namespace PaymentPlatform.Hosting.Dashboard.Api;

// The telemetry API's responses (camelCase JSON). Times are ISO 8601 UTC; durations are in
// milliseconds; trace and span ids are lower-case hex, as W3C traceparent writes them.

/// <summary>
/// A window of results, oldest first. <c>cursor</c>: pass it back as <c>after</c> to get only what
/// arrived since (nothing skipped, nothing repeated). <c>totalCount</c>: every match, before <c>limit</c>.
/// </summary>
public sealed record TelemetryPage<T>(IReadOnlyList<T> Items, int TotalCount, long Cursor);

public sealed record LogEntryDto(
    long Sequence,
    DateTimeOffset Timestamp,
    string Level,
    int SeverityNumber,
    string? SeverityText,
    string Message,
    string Category,
    string Resource,
    string? InstanceId,
    string DisplayName,
    string? TraceId,
    string? SpanId,
    string? EventName,
    IReadOnlyDictionary<string, string> Attributes);

public sealed record SpanDto(
    long Sequence,
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    string Kind,
    string Resource,
    string? InstanceId,
    string DisplayName,
    string Scope,
    DateTimeOffset StartTime,
    DateTimeOffset EndTime,
    double DurationMs,
    string Status,
    string? StatusMessage,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyList<SpanEventDto> Events,
    IReadOnlyList<SpanLinkDto> Links,
    int? Depth);

public sealed record SpanEventDto(string Name, DateTimeOffset Time, IReadOnlyDictionary<string, string> Attributes);

public sealed record SpanLinkDto(string TraceId, string? SpanId, IReadOnlyDictionary<string, string> Attributes);

/// <summary>A trace in a list: what a row of the traces page shows.</summary>
public sealed record TraceSummaryDto(
    long Sequence,
    string TraceId,
    string Name,
    string? RootResource,
    DateTimeOffset StartTime,
    double DurationMs,
    int SpanCount,
    int ErrorCount,
    IReadOnlyList<TraceResourceDto> Resources);

public sealed record TraceResourceDto(string Resource, int SpanCount);

/// <summary>One trace: its spans in waterfall order (each after its parent, siblings by start time, with depth), and its logs.</summary>
public sealed record TraceDetailDto(
    string TraceId,
    string Name,
    DateTimeOffset StartTime,
    DateTimeOffset EndTime,
    double DurationMs,
    int SpanCount,
    int ErrorCount,
    IReadOnlyList<TraceResourceDto> Resources,
    IReadOnlyList<SpanDto> Spans,
    IReadOnlyList<LogEntryDto> Logs);

public sealed record InstrumentDto(
    string Resource,
    string? InstanceId,
    string DisplayName,
    string Meter,
    string Name,
    string? Description,
    string? Unit,
    string Type,
    bool IsMonotonic,
    string? Temporality,
    int SeriesCount,
    DateTimeOffset? LastPointTime);

/// <summary>An instrument of one resource instance with its series.</summary>
public sealed record InstrumentDataDto(InstrumentDto Instrument, IReadOnlyList<MetricSeriesDto> Series);

public sealed record MetricSeriesDto(IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<MetricPointDto> Points);

/// <summary>
/// A point: <c>value</c> for gauges and sums; for histograms <c>count</c>, <c>sum</c>, <c>min</c>,
/// <c>max</c>, <c>bounds</c> and <c>bucketCounts</c>. Derived for charts: <c>rate</c> (per second since
/// the previous point, for monotonic sums and histogram counts) and, for histograms,
/// <c>percentiles</c> (p50, p90, p99 of the values recorded since the previous point).
/// </summary>
public sealed record MetricPointDto(
    DateTimeOffset StartTime,
    DateTimeOffset Time,
    double? Value,
    ulong? Count,
    double? Sum,
    double? Min,
    double? Max,
    IReadOnlyList<double>? Bounds,
    IReadOnlyList<ulong>? BucketCounts,
    double? Rate,
    IReadOnlyDictionary<string, double>? Percentiles);

/// <summary>
/// An instrument charted over time: every matching instance's series merged into groups (by the
/// <c>groupBy</c> attributes) and cut into steps of <c>stepSeconds</c> from <c>from</c>.
/// </summary>
public sealed record MetricChartDto(
    string Name,
    string? Unit,
    string? Description,
    string Type,
    bool IsMonotonic,
    DateTimeOffset From,
    DateTimeOffset To,
    double StepSeconds,
    IReadOnlyList<string> Instances,
    IReadOnlyList<ChartSeriesDto> Series);

public sealed record ChartSeriesDto(string Label, IReadOnlyDictionary<string, string> Group, IReadOnlyList<ChartPointDto> Points);

/// <summary>
/// One step (starting at <c>time</c>). Histograms: <c>count</c> recorded in it, <c>rate</c> per second and
/// <c>percentiles</c> (p50, p90, p99; null when nothing was recorded). Monotonic sums: <c>value</c> is the
/// increase and <c>rate</c> its rate. Gauges and up-down sums: <c>value</c> in force (null when none).
/// </summary>
public sealed record ChartPointDto(DateTimeOffset Time, double? Value, double? Rate, ulong? Count, IReadOnlyDictionary<string, double>? Percentiles);

/// <summary>A resource: the host's view (state, replicas, endpoints) merged with what its telemetry says.</summary>
public sealed record ResourceDto(
    string Name,
    string Type,
    string? State,
    string? Health,
    bool IsHealthy,
    string? Url,
    string? Error,
    int Restarts,
    IReadOnlyList<EndpointDto> Endpoints,
    IReadOnlyList<ReplicaDto> Replicas,
    IReadOnlyList<string> WaitsFor,
    IReadOnlyList<TelemetryInstanceDto> TelemetryInstances,
    IReadOnlyList<EnvironmentVariableDto>? Environment);

public sealed record EndpointDto(string Name, string Scheme, bool IsExternal, string? Url, IReadOnlyList<string> ReplicaUrls);

public sealed record ReplicaDto(
    int Index,
    string Name,
    string State,
    string Health,
    int? ProcessId,
    string? Url,
    int Restarts,
    int? LastExitCode,
    DateTimeOffset? StartedAt,
    double? UptimeSeconds);

/// <summary>A process that has sent telemetry (service.name + service.instance.id).</summary>
public sealed record TelemetryInstanceDto(
    string Resource,
    string? InstanceId,
    string DisplayName,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    IReadOnlyDictionary<string, string> Attributes);

/// <summary>A variable the app model gives a project. Secret values (and values built from secrets) are never sent: <c>value</c> is null.</summary>
public sealed record EnvironmentVariableDto(string Name, string? Value, bool IsSecret, string? Expression);

public sealed record ConsoleLineDto(DateTimeOffset Timestamp, string Resource, int Replica, string Source, string Text, bool IsError);

public sealed record CommandResultDto(string Resource, int? Replica, string Command, ResourceDto Snapshot);

/// <summary>What the store holds against its limits, and what it received, rejected and evicted.</summary>
public sealed record TelemetryStatsDto(
    int Resources,
    int Traces,
    int MaxTraceCount,
    long SpansAccepted,
    long SpansRejected,
    long TracesEvicted,
    int Logs,
    int MaxLogCount,
    long LogsAccepted,
    long LogsRejected,
    long LogsEvicted,
    int MetricPoints,
    int MaxMetricsCountPerResource,
    long MetricPointsAccepted,
    long MetricPointsRejected,
    long MetricPointsEvicted);
