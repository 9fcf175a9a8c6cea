using System.Buffers.Binary;
using PaymentPlatform.Otlp.Collector.Logs.V1;
using PaymentPlatform.Otlp.Collector.Trace.V1;

namespace PaymentPlatform.Dashboard.Benchmarks;

/// <summary>
/// A recorded batch that can be replayed many times as new traces: each round rewrites the trace
/// ids in place (the first 8 bytes XOR the round), consistently across the spans and log records
/// of a trace, so the receiver stores new traces instead of recognising retried spans.
/// </summary>
internal sealed class ReplayBatch
{
    private readonly byte[] _body;
    private readonly int[] _traceIdOffsets;

    public ReplayBatch(RecordedBatch recorded)
    {
        Path = recorded.Path;
        Spans = recorded.Spans;
        Logs = recorded.Logs;
        _body = recorded.Body;
        var traceIds = Path == "/v1/traces"
            ? ExportTraceServiceRequest.Parser.ParseFrom(_body).ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).Select(s => s.TraceId.ToByteArray())
            : ExportLogsServiceRequest.Parser.ParseFrom(_body).ResourceLogs.SelectMany(r => r.ScopeLogs).SelectMany(s => s.LogRecords).Where(l => l.TraceId.Length == 16).Select(l => l.TraceId.ToByteArray());
        var offsets = new List<int>();
        foreach (var traceId in traceIds.DistinctBy(Convert.ToHexString))
        {
            var from = 0;
            int found;
            while ((found = _body.AsSpan(from).IndexOf(traceId)) >= 0)
            {
                offsets.Add(from + found);
                from += found + traceId.Length;
            }
        }
        _traceIdOffsets = [.. offsets];
    }

    public string Path { get; }

    public int Spans { get; }

    public int Logs { get; }

    public int Size => _body.Length;

    /// <summary>The body for replay round <paramref name="round"/> (round 0 is the recording itself).</summary>
    public byte[] For(long round)
    {
        var body = (byte[])_body.Clone();
        foreach (var offset in _traceIdOffsets)
        {
            var slot = body.AsSpan(offset, 8);
            BinaryPrimitives.WriteUInt64BigEndian(slot, BinaryPrimitives.ReadUInt64BigEndian(slot) ^ (ulong)round);
        }
        return body;
    }
}
