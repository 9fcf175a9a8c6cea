using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using PaymentPlatform.Hosting.Dashboard.Storage;

namespace PaymentPlatform.Hosting.Dashboard.Api;

/// <summary>
/// <c>/api/telemetry/logs|spans|traces|metrics|stats</c>: queries over the store. Lists are
/// oldest first; without <c>after</c> they hold the latest <c>limit</c> matches, and the
/// response's <c>cursor</c> passed back as <c>after</c> returns only what is new (live views poll this way).
/// </summary>
internal static class TelemetryApi
{
    private const QueryParts LogParts = QueryParts.Resource | QueryParts.TimeRange | QueryParts.Level | QueryParts.Text
        | QueryParts.TraceId | QueryParts.SpanId | QueryParts.Attribute | QueryParts.Paging;
    private const QueryParts SpanParts = QueryParts.Resource | QueryParts.TimeRange | QueryParts.Text | QueryParts.TraceId
        | QueryParts.SpanId | QueryParts.Attribute | QueryParts.HasError | QueryParts.MinDuration | QueryParts.Paging;
    private const QueryParts TraceParts = QueryParts.Resource | QueryParts.TimeRange | QueryParts.Text | QueryParts.TraceId
        | QueryParts.Attribute | QueryParts.HasError | QueryParts.MinDuration | QueryParts.Paging;
    private const QueryParts InstrumentParts = QueryParts.Resource | QueryParts.Text | QueryParts.Attribute;
    private const QueryParts MetricParts = QueryParts.Resource | QueryParts.TimeRange | QueryParts.Attribute;
    private const QueryParts ChartParts = QueryParts.Resource | QueryParts.TimeRange | QueryParts.Attribute | QueryParts.Chart;

    public static RouteGroupBuilder MapTelemetryApi(this RouteGroupBuilder api)
    {
        api.MapGet("/logs", GetLogs);
        api.MapGet("/spans", GetSpans);
        api.MapGet("/traces", GetTraces);
        api.MapGet("/traces/{traceId}", GetTrace);
        api.MapGet("/metrics", GetInstruments);
        api.MapGet("/metrics/{name}", GetMetric);
        api.MapGet("/metrics/{name}/chart", GetMetricChart);
        api.MapGet("/stats", GetStats);
        return api;
    }

    public static Results<Ok<TelemetryPage<LogEntryDto>>, ProblemHttpResult> GetLogs(
        [AsParameters] TelemetryQueryParameters query, TelemetryStore store, CancellationToken cancellationToken)
    {
        if (!TelemetryFilter.TryCreate(query, LogParts, "logs", out var filter, out var error))
        {
            return DashboardProblems.InvalidQuery(error);
        }
        var page = store.Logs.Query(log =>
            filter.MatchesResource(log.Resource)
            && filter.MatchesTime(log.TimeNanos)
            && (filter.MinSeverity is null || log.SeverityNumber >= filter.MinSeverity)
            && filter.MatchesText(log.Message)
            && filter.MatchesTraceId(log.TraceId)
            && (filter.SpanId is null || log.SpanId == filter.SpanId)
            && filter.MatchesAttributes(log.Attributes, log.Resource.Attributes),
            filter.After, filter.Limit);
        return TypedResults.Ok(new TelemetryPage<LogEntryDto>([.. page.Items.Select(TelemetryMapping.ToDto)], page.TotalCount, page.Cursor));
    }

    public static Results<Ok<TelemetryPage<SpanDto>>, ProblemHttpResult> GetSpans(
        [AsParameters] TelemetryQueryParameters query, TelemetryStore store, CancellationToken cancellationToken)
    {
        if (!TelemetryFilter.TryCreate(query, SpanParts, "spans", out var filter, out var error))
        {
            return DashboardProblems.InvalidQuery(error);
        }
        var page = store.Traces.QuerySpans(span =>
            filter.MatchesResource(span.Resource)
            && filter.MatchesTime(span.StartNanos)
            && filter.MatchesText(span.Name)
            && filter.MatchesTraceId(span.TraceId)
            && (filter.SpanId is null || span.SpanId == filter.SpanId)
            && (filter.HasError is null || span.HasError == filter.HasError)
            && (filter.MinDurationMs is null || UnixNanos.Milliseconds(span.EndNanos - span.StartNanos) >= filter.MinDurationMs)
            && filter.MatchesAttributes(span.Attributes, span.Resource.Attributes),
            filter.After, filter.Limit);
        return TypedResults.Ok(new TelemetryPage<SpanDto>([.. page.Items.Select(s => TelemetryMapping.ToDto(s, depth: null))], page.TotalCount, page.Cursor));
    }

    public static Results<Ok<TelemetryPage<TraceSummaryDto>>, ProblemHttpResult> GetTraces(
        [AsParameters] TelemetryQueryParameters query, TelemetryStore store, CancellationToken cancellationToken)
    {
        if (!TelemetryFilter.TryCreate(query, TraceParts, "traces", out var filter, out var error))
        {
            return DashboardProblems.InvalidQuery(error);
        }
        var page = store.Traces.Query(trace =>
            filter.MatchesTraceId(trace.Id)
            && filter.MatchesTime(trace.StartNanos)
            && (filter.HasError is null || (trace.ErrorCount > 0) == filter.HasError)
            && (filter.MinDurationMs is null || UnixNanos.Milliseconds(trace.EndNanos - trace.StartNanos) >= filter.MinDurationMs)
            && (filter.Resources.Length == 0 || trace.Spans.Exists(s => filter.MatchesResource(s.Resource)))
            && (filter.Text is null || trace.Spans.Exists(s => filter.MatchesText(s.Name)))
            && (filter.Attributes.Length == 0 || trace.Spans.Exists(s => filter.MatchesAttributes(s.Attributes, s.Resource.Attributes))),
            filter.After, filter.Limit);
        return TypedResults.Ok(new TelemetryPage<TraceSummaryDto>([.. page.Items.Select(TelemetryMapping.ToSummary)], page.TotalCount, page.Cursor));
    }

    public static Results<Ok<TraceDetailDto>, ProblemHttpResult> GetTrace(string traceId, TelemetryStore store, CancellationToken cancellationToken)
    {
        if (!TraceId.TryParse(traceId.ToLowerInvariant(), out var id))
        {
            return DashboardProblems.InvalidQuery($"'{traceId}' is not a trace id (32 hex digits).");
        }
        if (store.Traces.Get(id) is not { } trace)
        {
            return DashboardProblems.NotFound("trace_not_found",
                $"No trace {traceId}: it has not arrived yet, or was evicted (the store keeps {store.Limits.MaxTraceCount} traces).");
        }
        var logs = store.Logs.Query(log => log.TraceId == id, after: null, limit: TelemetryFilter.MaxLimit);
        return TypedResults.Ok(TelemetryMapping.ToDetail(trace, logs.Items));
    }

    public static Results<Ok<IReadOnlyList<InstrumentDto>>, ProblemHttpResult> GetInstruments(
        [AsParameters] TelemetryQueryParameters query, TelemetryStore store, CancellationToken cancellationToken)
    {
        if (!TelemetryFilter.TryCreate(query, InstrumentParts, "metrics", out var filter, out var error))
        {
            return DashboardProblems.InvalidQuery(error);
        }
        var instruments = store.Metrics.Query(
            i => filter.MatchesResource(i.Resource) && filter.MatchesText(i.Name),
            filter.Attributes.Length == 0 ? null : s => filter.MatchesAttributes(s.Attributes, []),
            includePoints: false);
        IReadOnlyList<InstrumentDto> result = [.. instruments
            .Where(i => filter.Attributes.Length == 0 || i.Series.Length > 0)
            .OrderBy(i => i.Resource.DisplayName, StringComparer.Ordinal).ThenBy(i => i.Meter, StringComparer.Ordinal).ThenBy(i => i.Name, StringComparer.Ordinal)
            .Select(TelemetryMapping.ToDto)];
        return TypedResults.Ok(result);
    }

    public static Results<Ok<IReadOnlyList<InstrumentDataDto>>, ProblemHttpResult> GetMetric(
        string name, [AsParameters] TelemetryQueryParameters query, TelemetryStore store, CancellationToken cancellationToken)
    {
        if (!TelemetryFilter.TryCreate(query, MetricParts, "a metric", out var filter, out var error))
        {
            return DashboardProblems.InvalidQuery(error);
        }
        var instruments = store.Metrics.Query(
            i => i.Name == name && filter.MatchesResource(i.Resource),
            filter.Attributes.Length == 0 ? null : s => filter.MatchesAttributes(s.Attributes, []));
        if (instruments.Count == 0)
        {
            return DashboardProblems.NotFound("metric_not_found", $"No instrument named '{name}'{(filter.Resources.Length > 0 ? $" from {string.Join(", ", filter.Resources)}" : "")}; GET /api/telemetry/metrics lists them.");
        }
        IReadOnlyList<InstrumentDataDto> result = [.. instruments
            .OrderBy(i => i.Resource.DisplayName, StringComparer.Ordinal).ThenBy(i => i.Meter, StringComparer.Ordinal)
            .Select(i => TelemetryMapping.ToData(i, filter))];
        return TypedResults.Ok(result);
    }

    public static Results<Ok<MetricChartDto>, ProblemHttpResult> GetMetricChart(
        string name, [AsParameters] TelemetryQueryParameters query, TelemetryStore store, CancellationToken cancellationToken)
    {
        if (!TelemetryFilter.TryCreate(query, ChartParts, "a metric chart", out var filter, out var error))
        {
            return DashboardProblems.InvalidQuery(error);
        }
        if (!MetricCharts.TryGetWindow(filter, UnixNanos.Now(), out var from, out var step, out var steps, out error))
        {
            return DashboardProblems.InvalidQuery(error);
        }
        var instruments = store.Metrics.Query(
            i => i.Name == name && filter.MatchesResource(i.Resource),
            filter.Attributes.Length == 0 ? null : s => filter.MatchesAttributes(s.Attributes, []));
        if (instruments.Count == 0)
        {
            return DashboardProblems.NotFound("metric_not_found", $"No instrument named '{name}'{(filter.Resources.Length > 0 ? $" from {string.Join(", ", filter.Resources)}" : "")}; GET /api/telemetry/metrics lists them.");
        }
        var ordered = instruments.OrderBy(i => i.Resource.DisplayName, StringComparer.Ordinal).ThenBy(i => i.Meter, StringComparer.Ordinal).ToList();
        return TypedResults.Ok(MetricCharts.Build(ordered, filter, from, step, steps));
    }

    public static Ok<TelemetryStatsDto> GetStats(TelemetryStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(new TelemetryStatsDto(
            store.Resources.All().Count,
            store.Traces.Count, store.Limits.MaxTraceCount, store.Traces.SpansAccepted, store.Traces.SpansRejected, store.Traces.TracesEvicted,
            store.Logs.Count, store.Limits.MaxLogCount, store.Logs.Accepted, store.Logs.Rejected, store.Logs.Evicted,
            store.Metrics.PointCount, store.Limits.MaxMetricsCount, store.Metrics.PointsAccepted, store.Metrics.PointsRejected, store.Metrics.PointsEvicted));
}
