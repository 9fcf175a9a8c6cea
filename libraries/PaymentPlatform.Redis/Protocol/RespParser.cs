using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace PaymentPlatform.Redis.Protocol;

/// <summary>
/// Parses RESP2 and RESP3 replies from a buffer that may hold only part of one.
/// See https://redis.io/docs/latest/develop/reference/protocol-spec/.
/// </summary>
internal static class RespParser
{
    // Redis caps bulk strings at 512 MB; anything larger means the stream is out of step.
    private const long MaxBulkLength = 512L * 1024 * 1024;
    private const long MaxAggregateLength = int.MaxValue / 2;

    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    /// <summary>
    /// Reads one complete reply. Returns false, with the reader's position unspecified, when
    /// the buffer ends before the reply does; the caller retries from the same start once
    /// more bytes arrive.
    /// </summary>
    /// <exception cref="RedisProtocolException">The bytes are not valid RESP.</exception>
    public static bool TryRead(ref SequenceReader<byte> reader, [NotNullWhen(true)] out RedisResult? result)
    {
        result = null;
        if (!reader.TryRead(out byte prefix))
        {
            return false;
        }
        switch (prefix)
        {
            case (byte)'+':
                if (!TryReadLine(ref reader, out ReadOnlySequence<byte> simple)) return false;
                result = RedisResult.SimpleString(Encoding.UTF8.GetString(simple));
                return true;
            case (byte)'-':
                if (!TryReadLine(ref reader, out ReadOnlySequence<byte> error)) return false;
                result = RedisResult.Error(Encoding.UTF8.GetString(error));
                return true;
            case (byte)':':
                if (!TryReadInteger(ref reader, out long integer)) return false;
                result = RedisResult.Integer(integer);
                return true;
            case (byte)'$':
                return TryReadBulk(ref reader, RedisResultType.BulkString, out result);
            case (byte)'!':
                return TryReadBulk(ref reader, RedisResultType.Error, out result);
            case (byte)'=':
                return TryReadBulk(ref reader, RedisResultType.VerbatimString, out result);
            case (byte)'*':
                return TryReadAggregate(ref reader, RedisResultType.Array, 1, out result);
            case (byte)'~':
                return TryReadAggregate(ref reader, RedisResultType.Set, 1, out result);
            case (byte)'>':
                return TryReadAggregate(ref reader, RedisResultType.Push, 1, out result);
            case (byte)'%':
                return TryReadAggregate(ref reader, RedisResultType.Map, 2, out result);
            case (byte)'|':
                // Attributes annotate the reply that follows them; nothing here uses them.
                return TryReadAggregate(ref reader, RedisResultType.Map, 2, out _) && TryRead(ref reader, out result);
            case (byte)'_':
                if (!TryReadLine(ref reader, out ReadOnlySequence<byte> nothing)) return false;
                if (!nothing.IsEmpty) throw Malformed("a null reply with content");
                result = RedisResult.Null;
                return true;
            case (byte)'#':
                if (!TryReadLine(ref reader, out ReadOnlySequence<byte> flag)) return false;
                result = flag.FirstSpan switch
                {
                    [(byte)'t'] => RedisResult.True,
                    [(byte)'f'] => RedisResult.False,
                    _ => throw Malformed("a boolean other than t or f"),
                };
                return true;
            case (byte)',':
                if (!TryReadLine(ref reader, out ReadOnlySequence<byte> number)) return false;
                string text = Encoding.ASCII.GetString(number);
                if (!RedisValue.TryParseDouble(text, out double value)) throw Malformed($"the double '{text}'");
                result = RedisResult.Scalar(RedisResultType.Double, value);
                return true;
            case (byte)'(':
                if (!TryReadLine(ref reader, out ReadOnlySequence<byte> big)) return false;
                result = RedisResult.Scalar(RedisResultType.BigNumber, Encoding.ASCII.GetString(big));
                return true;
            default:
                throw Malformed($"the type byte 0x{prefix:X2}");
        }
    }

    private static bool TryReadLine(ref SequenceReader<byte> reader, out ReadOnlySequence<byte> line) =>
        reader.TryReadTo(out line, Crlf, advancePastDelimiter: true);

    private static bool TryReadInteger(ref SequenceReader<byte> reader, out long value)
    {
        value = 0;
        if (!TryReadLine(ref reader, out ReadOnlySequence<byte> line))
        {
            return false;
        }
        Span<byte> copy = stackalloc byte[24];
        ReadOnlySpan<byte> digits = line.IsSingleSegment ? line.FirstSpan
            : line.Length <= copy.Length ? CopyTo(line, copy) : throw Malformed("an over-long integer");
        if (!Utf8Parser.TryParse(digits, out value, out int consumed) || consumed != digits.Length || digits.IsEmpty)
        {
            throw Malformed($"the integer '{Encoding.ASCII.GetString(digits)}'");
        }
        return true;
    }

    private static ReadOnlySpan<byte> CopyTo(in ReadOnlySequence<byte> line, Span<byte> destination)
    {
        line.CopyTo(destination);
        return destination[..(int)line.Length];
    }

    private static bool TryReadBulk(ref SequenceReader<byte> reader, RedisResultType type, out RedisResult? result)
    {
        result = null;
        if (!TryReadInteger(ref reader, out long length))
        {
            return false;
        }
        if (length == -1)
        {
            result = RedisResult.Null;
            return true;
        }
        if (length is < 0 or > MaxBulkLength)
        {
            throw Malformed($"the bulk string length {length}");
        }
        if (reader.Remaining < length + 2)
        {
            return false;
        }
        byte[] bytes = new byte[length];
        reader.TryCopyTo(bytes);
        reader.Advance(length);
        if (!reader.IsNext(Crlf, advancePast: true))
        {
            throw Malformed("a bulk string not followed by CRLF");
        }
        result = type switch
        {
            RedisResultType.BulkString => RedisResult.Bulk(bytes),
            RedisResultType.Error => RedisResult.Error(Encoding.UTF8.GetString(bytes)),
            // A verbatim string starts with a three-letter format and a colon, such as "txt:".
            _ => RedisResult.Scalar(type, bytes.Length >= 4 && bytes[3] == (byte)':' ? bytes[4..] : bytes),
        };
        return true;
    }

    private static bool TryReadAggregate(ref SequenceReader<byte> reader, RedisResultType type, int itemsPerEntry, out RedisResult? result)
    {
        result = null;
        if (!TryReadInteger(ref reader, out long count))
        {
            return false;
        }
        if (count == -1)
        {
            result = RedisResult.Null;
            return true;
        }
        if (count < 0 || count > MaxAggregateLength)
        {
            throw Malformed($"the aggregate length {count}");
        }
        // Every element takes at least three bytes; wait for them before allocating.
        if (count * itemsPerEntry * 3 > reader.Remaining)
        {
            return false;
        }
        var elements = new RedisResult[count * itemsPerEntry];
        for (int i = 0; i < elements.Length; i++)
        {
            if (!TryRead(ref reader, out RedisResult? element))
            {
                return false;
            }
            elements[i] = element;
        }
        result = RedisResult.Aggregate(type, elements);
        return true;
    }

    private static RedisProtocolException Malformed(string what) =>
        new($"The server sent {what}, which is not valid RESP; the connection is out of step and will be closed.");
}
