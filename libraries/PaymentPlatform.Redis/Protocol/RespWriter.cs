using System.Buffers;
using System.Globalization;
using System.Text;

namespace PaymentPlatform.Redis.Protocol;

/// <summary>Encodes commands as RESP arrays of bulk strings, the only form Redis accepts from clients.</summary>
internal static class RespWriter
{
    public static void WriteCommand(IBufferWriter<byte> writer, string command, RedisValue[] arguments)
    {
        WriteLengthHeader(writer, (byte)'*', arguments.Length + 1);
        int length = Encoding.ASCII.GetByteCount(command);
        WriteLengthHeader(writer, (byte)'$', length);
        Encoding.ASCII.GetBytes(command.AsSpan(), writer);
        WriteCrlf(writer);
        foreach (RedisValue argument in arguments)
        {
            argument.WriteBulkString(writer);
        }
    }

    public static void WriteLengthHeader(IBufferWriter<byte> writer, byte prefix, long length)
    {
        Span<byte> span = writer.GetSpan(24);
        span[0] = prefix;
        length.TryFormat(span[1..], out int written, default, CultureInfo.InvariantCulture);
        span[written + 1] = (byte)'\r';
        span[written + 2] = (byte)'\n';
        writer.Advance(written + 3);
    }

    public static void WriteCrlf(IBufferWriter<byte> writer)
    {
        Span<byte> span = writer.GetSpan(2);
        span[0] = (byte)'\r';
        span[1] = (byte)'\n';
        writer.Advance(2);
    }

    public static void WriteEmptyBulkString(IBufferWriter<byte> writer) => writer.Write("$0\r\n\r\n"u8);
}
