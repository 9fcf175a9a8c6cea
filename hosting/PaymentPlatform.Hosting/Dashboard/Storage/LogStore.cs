namespace PaymentPlatform.Hosting.Dashboard.Storage;

/// <summary>One structured log entry, linked to its trace and span when it was written inside one.</summary>
internal sealed class LogRecordEntry
{
    public required TelemetryResource Resource { get; init; }

    /// <summary>The instrumentation scope; for .NET's ILogger, the log category.</summary>
    public required string Scope { get; init; }
    public required long TimeNanos { get; init; }
    public required int SeverityNumber { get; init; }
    public string? SeverityText { get; init; }
    public required string Message { get; init; }
    public string? EventName { get; init; }
    public required TraceId TraceId { get; init; }
    public required ulong SpanId { get; init; }
    public required KeyValuePair<string, string>[] Attributes { get; init; }
    public long Sequence { get; set; }
}

/// <summary>
/// Log entries in a ring of <see cref="TelemetryLimits.MaxLogCount"/>: a new entry beyond the
/// limit overwrites the oldest.
/// </summary>
internal sealed class LogStore(TelemetryLimits limits)
{
    private readonly LogRecordEntry?[] _ring = new LogRecordEntry?[limits.MaxLogCount];
    private readonly Lock _lock = new();
    private long _sequence;

    public long Accepted { get; private set; }

    public long Rejected { get; private set; }

    public long Evicted { get; private set; }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return (int)Math.Min(_sequence, _ring.Length);
            }
        }
    }

    public void Add(List<LogRecordEntry> entries, int rejected)
    {
        lock (_lock)
        {
            foreach (var entry in entries)
            {
                entry.Sequence = ++_sequence;
                ref var slot = ref _ring[(entry.Sequence - 1) % _ring.Length];
                Evicted += slot is null ? 0 : 1;
                slot = entry;
            }
            Accepted += entries.Count;
            Rejected += rejected;
        }
    }

    /// <summary>The entries matching <paramref name="match"/> in the window asked for, in arrival order.</summary>
    public Page<LogRecordEntry> Query(Func<LogRecordEntry, bool> match, long? after, int limit)
    {
        lock (_lock)
        {
            var matches = new List<LogRecordEntry>();
            var first = Math.Max(Math.Max(_sequence - _ring.Length, after ?? 0) + 1, 1);
            for (var sequence = first; sequence <= _sequence; sequence++)
            {
                var entry = _ring[(sequence - 1) % _ring.Length]!;
                if (match(entry))
                {
                    matches.Add(entry);
                }
            }
            return Paging.Window(matches, e => e.Sequence, after, limit, _sequence);
        }
    }
}
