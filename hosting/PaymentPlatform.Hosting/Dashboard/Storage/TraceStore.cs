using PaymentPlatform.Otlp.Trace.V1;

namespace PaymentPlatform.Hosting.Dashboard.Storage;

/// <summary>One span as stored: ids as integers, times in Unix nanoseconds, attributes as strings.</summary>
internal sealed class SpanRecord
{
    public required TelemetryResource Resource { get; init; }
    public required string Scope { get; init; }
    public required TraceId TraceId { get; init; }
    public required ulong SpanId { get; init; }
    public required ulong ParentSpanId { get; init; }
    public required string Name { get; init; }
    public required Span.Types.SpanKind Kind { get; init; }
    public required long StartNanos { get; init; }
    public required long EndNanos { get; init; }
    public required Status.Types.StatusCode Status { get; init; }
    public string? StatusMessage { get; init; }
    public required KeyValuePair<string, string>[] Attributes { get; init; }
    public required SpanEventRecord[] Events { get; init; }
    public required SpanLinkRecord[] Links { get; init; }

    /// <summary>Set when stored: the order spans arrived in, for polling with <c>after</c>.</summary>
    public long Sequence { get; set; }

    public bool HasError => Status == PaymentPlatform.Otlp.Trace.V1.Status.Types.StatusCode.Error;
}

internal sealed record SpanEventRecord(string Name, long TimeNanos, KeyValuePair<string, string>[] Attributes);

internal sealed record SpanLinkRecord(TraceId TraceId, ulong SpanId, KeyValuePair<string, string>[] Attributes);

/// <summary>A trace: every span with its trace id, from whichever resources sent them.</summary>
internal sealed class TraceRecord(TraceId id)
{
    private HashSet<ulong>? _spanIds;

    public TraceId Id { get; } = id;

    public List<SpanRecord> Spans { get; } = [];

    public long StartNanos { get; private set; } = long.MaxValue;

    public long EndNanos { get; private set; } = long.MinValue;

    public int ErrorCount { get; private set; }

    /// <summary>The sequence of the latest span added: a trace changes whenever a span joins it.</summary>
    public long Sequence { get; private set; }

    /// <summary>The span with no parent; else the earliest span whose parent has not arrived.</summary>
    public SpanRecord? Root { get; private set; }

    public bool Contains(ulong spanId)
    {
        if (_spanIds is not null)
        {
            return _spanIds.Contains(spanId);
        }
        foreach (var span in Spans)
        {
            if (span.SpanId == spanId)
            {
                return true;
            }
        }
        return false;
    }

    public void Add(SpanRecord span)
    {
        Spans.Add(span);
        if (_spanIds is not null)
        {
            _spanIds.Add(span.SpanId);
        }
        else if (Spans.Count > 32)
        {
            // Beyond a few dozen spans a linear duplicate check gets costly.
            _spanIds = [.. Spans.Select(s => s.SpanId)];
        }
        StartNanos = Math.Min(StartNanos, span.StartNanos);
        EndNanos = Math.Max(EndNanos, span.EndNanos);
        ErrorCount += span.HasError ? 1 : 0;
        Sequence = span.Sequence;
        if (span.ParentSpanId == 0)
        {
            if (Root is null || Root.ParentSpanId != 0 || span.StartNanos < Root.StartNanos)
            {
                Root = span;
            }
        }
        else if (Root is null || (Root.ParentSpanId != 0 && span.StartNanos < Root.StartNanos))
        {
            Root = span;
        }
    }
}

/// <summary>
/// Traces in arrival order, bounded by <see cref="TelemetryLimits.MaxTraceCount"/>: a new trace
/// beyond the limit evicts the trace that arrived first. Spans are assembled into traces by trace
/// id, whichever resource sent them and in whatever order they arrive.
/// </summary>
internal sealed class TraceStore(TelemetryLimits limits)
{
    private readonly Dictionary<TraceId, TraceRecord> _traces = [];
    private readonly Queue<TraceRecord> _arrivalOrder = new();
    private readonly Lock _lock = new();
    private long _sequence;

    public long SpansAccepted { get; private set; }

    public long SpansRejected { get; private set; }

    public long TracesEvicted { get; private set; }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _traces.Count;
            }
        }
    }

    public long LastSequence
    {
        get
        {
            lock (_lock)
            {
                return _sequence;
            }
        }
    }

    /// <summary>Adds converted spans; returns how many were rejected (duplicates are accepted and ignored).</summary>
    public int Add(List<SpanRecord> spans, int rejectedBeforeStore, ref string? error)
    {
        var rejected = 0;
        lock (_lock)
        {
            foreach (var span in spans)
            {
                if (!_traces.TryGetValue(span.TraceId, out var trace))
                {
                    if (_traces.Count >= limits.MaxTraceCount)
                    {
                        var oldest = _arrivalOrder.Dequeue();
                        _traces.Remove(oldest.Id);
                        TracesEvicted++;
                    }
                    trace = new TraceRecord(span.TraceId);
                    _traces.Add(span.TraceId, trace);
                    _arrivalOrder.Enqueue(trace);
                }
                else if (trace.Contains(span.SpanId))
                {
                    continue; // an exporter's retry of a batch that did arrive
                }
                else if (trace.Spans.Count >= limits.MaxSpansPerTrace)
                {
                    rejected++;
                    error ??= $"trace {span.TraceId} already has {limits.MaxSpansPerTrace} spans (Dashboard:TelemetryLimits:MaxSpansPerTrace)";
                    continue;
                }
                span.Sequence = ++_sequence;
                trace.Add(span);
            }
            SpansAccepted += spans.Count - rejected;
            SpansRejected += rejected + rejectedBeforeStore;
        }
        return rejected;
    }

    public TraceSnapshot? Get(TraceId id)
    {
        lock (_lock)
        {
            return _traces.TryGetValue(id, out var trace) ? TraceSnapshot.Of(trace) : null;
        }
    }

    /// <summary>The traces matching <paramref name="match"/> in the window asked for, ordered by their latest change.</summary>
    public Page<TraceSnapshot> Query(Func<TraceRecord, bool> match, long? after, int limit)
    {
        lock (_lock)
        {
            var matches = new List<TraceRecord>();
            foreach (var trace in _arrivalOrder)
            {
                if (trace.Sequence > (after ?? 0) && match(trace))
                {
                    matches.Add(trace);
                }
            }
            matches.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
            var page = Paging.Window(matches, t => t.Sequence, after, limit, _sequence);
            return new Page<TraceSnapshot>([.. page.Items.Select(TraceSnapshot.Of)], page.TotalCount, page.Cursor);
        }
    }

    /// <summary>The spans matching <paramref name="match"/> in the window asked for, in arrival order.</summary>
    public Page<SpanRecord> QuerySpans(Func<SpanRecord, bool> match, long? after, int limit)
    {
        lock (_lock)
        {
            var matches = new List<SpanRecord>();
            foreach (var trace in _arrivalOrder)
            {
                if (trace.Sequence <= (after ?? 0))
                {
                    continue;
                }
                foreach (var span in trace.Spans)
                {
                    if (span.Sequence > (after ?? 0) && match(span))
                    {
                        matches.Add(span);
                    }
                }
            }
            matches.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
            return Paging.Window(matches, s => s.Sequence, after, limit, _sequence);
        }
    }
}

/// <summary>A trace's spans at one moment, safe to read outside the store's lock.</summary>
internal sealed record TraceSnapshot(TraceId Id, SpanRecord[] Spans, SpanRecord? Root, long StartNanos, long EndNanos, int ErrorCount, long Sequence)
{
    public static TraceSnapshot Of(TraceRecord trace) =>
        new(trace.Id, [.. trace.Spans], trace.Root, trace.StartNanos, trace.EndNanos, trace.ErrorCount, trace.Sequence);
}
