using System.Buffers.Binary;
using System.Globalization;
using Google.Protobuf;

namespace PaymentPlatform.Hosting.Dashboard.Storage;

/// <summary>A W3C trace id (16 bytes) held as two integers: cheap to hash and compare, hex on the way out.</summary>
internal readonly record struct TraceId(ulong High, ulong Low)
{
    public bool IsEmpty => High == 0 && Low == 0;

    /// <summary>Reads a 16-byte id; false when the length is wrong.</summary>
    public static bool TryRead(ByteString bytes, out TraceId id)
    {
        if (bytes.Length != 16)
        {
            id = default;
            return false;
        }
        var span = bytes.Span;
        id = new TraceId(BinaryPrimitives.ReadUInt64BigEndian(span), BinaryPrimitives.ReadUInt64BigEndian(span[8..]));
        return true;
    }

    public static bool TryParse(string? hex, out TraceId id)
    {
        id = default;
        if (hex is not { Length: 32 }
            || !ulong.TryParse(hex.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var high)
            || !ulong.TryParse(hex.AsSpan(16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var low))
        {
            return false;
        }
        id = new TraceId(high, low);
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{High:x16}{Low:x16}");
}

/// <summary>Span ids (8 bytes) as integers; zero means none.</summary>
internal static class SpanIds
{
    /// <summary>Reads an 8-byte id, or an empty one as zero; false when the length is wrong.</summary>
    public static bool TryRead(ByteString bytes, out ulong id)
    {
        id = 0;
        if (bytes.Length == 0)
        {
            return true;
        }
        if (bytes.Length != 8)
        {
            return false;
        }
        id = BinaryPrimitives.ReadUInt64BigEndian(bytes.Span);
        return true;
    }

    public static string? Format(ulong id) => id == 0 ? null : id.ToString("x16", CultureInfo.InvariantCulture);
}

/// <summary>OTLP timestamps are nanoseconds since the Unix epoch.</summary>
internal static class UnixNanos
{
    private const long NanosPerTick = 100;

    public static DateTimeOffset ToDateTimeOffset(long nanos) =>
        DateTimeOffset.UnixEpoch.AddTicks(nanos / NanosPerTick);

    public static long From(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks * NanosPerTick;

    public static double Milliseconds(long nanos) => nanos / 1_000_000.0;

    public static long Now() => From(DateTimeOffset.UtcNow);
}
