using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using PaymentPlatform.Redis.Protocol;

namespace PaymentPlatform.Redis;

/// <summary>
/// A value sent to or read from Redis: a string, a byte array, an integer, a floating-point
/// number, or null. Converts implicitly from those types and explicitly back to them.
/// </summary>
/// <remarks>
/// Redis stores every value as bytes; two values are equal when their bytes on the wire are
/// equal, so <c>(RedisValue)"42"</c> equals <c>(RedisValue)42</c>. Strings are UTF-8 encoded.
/// A null value is sent as an empty string.
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public readonly struct RedisValue : IEquatable<RedisValue>
{
    private enum Kind : byte { Null, String, Bytes, Integer, Double }

    // Longest formatted long or round-trip double, with room to spare.
    private const int MaxNumberLength = 32;

    private readonly object? _object;
    private readonly long _bits;
    private readonly Kind _kind;

    private RedisValue(object? value, long bits, Kind kind)
    {
        _object = value;
        _bits = bits;
        _kind = kind;
    }

    /// <summary>The null value: a missing key or field.</summary>
    public static RedisValue Null => default;

    /// <summary>Whether this is the null value (for example the reply to GET on a missing key).</summary>
    public bool IsNull => _kind == Kind.Null;

    /// <summary>Whether this value is not null.</summary>
    public bool HasValue => _kind != Kind.Null;

    /// <summary>Creates a value from a string (null gives <see cref="Null"/>).</summary>
    public static implicit operator RedisValue(string? value) =>
        value is null ? Null : new RedisValue(value, 0, Kind.String);

    /// <summary>Creates a value from bytes (null gives <see cref="Null"/>); the array is not copied.</summary>
    public static implicit operator RedisValue(byte[]? value) =>
        value is null ? Null : new RedisValue(value, 0, Kind.Bytes);

    /// <summary>Creates a value from an integer.</summary>
    public static implicit operator RedisValue(int value) => new(null, value, Kind.Integer);

    /// <summary>Creates a value from an integer.</summary>
    public static implicit operator RedisValue(long value) => new(null, value, Kind.Integer);

    /// <summary>
    /// Creates a value from a floating-point number (infinities are sent as <c>+inf</c> and
    /// <c>-inf</c>; NaN is sent as <c>NaN</c>, which Redis rejects as a number).
    /// </summary>
    public static implicit operator RedisValue(double value) => new(null, BitConverter.DoubleToInt64Bits(value), Kind.Double);

    /// <summary>Reads the value as a UTF-8 string; null for <see cref="Null"/>.</summary>
    public static explicit operator string?(RedisValue value) => value._kind switch
    {
        Kind.Null => null,
        Kind.String => (string)value._object!,
        Kind.Bytes => Encoding.UTF8.GetString((byte[])value._object!),
        _ => value.FormatNumber(),
    };

    /// <summary>Reads the value as bytes; null for <see cref="Null"/>.</summary>
    public static explicit operator byte[]?(RedisValue value) => value._kind switch
    {
        Kind.Null => null,
        Kind.Bytes => (byte[])value._object!,
        Kind.String => Encoding.UTF8.GetBytes((string)value._object!),
        _ => Encoding.ASCII.GetBytes(value.FormatNumber()),
    };

    /// <summary>Reads the value as a 64-bit integer.</summary>
    /// <exception cref="InvalidCastException">The value is null or not an integer.</exception>
    public static explicit operator long(RedisValue value) =>
        value.TryGetInt64(out long result)
            ? result
            : throw new InvalidCastException(value.IsNull
                ? "The value is null; convert to long? instead."
                : $"The value '{value}' is not a 64-bit integer.");

    /// <summary>Reads the value as a 64-bit integer, or null for <see cref="Null"/>.</summary>
    /// <exception cref="InvalidCastException">The value is not an integer.</exception>
    public static explicit operator long?(RedisValue value) => value.IsNull ? null : (long)value;

    /// <summary>Reads the value as a 32-bit integer.</summary>
    /// <exception cref="InvalidCastException">The value is null or not a 32-bit integer.</exception>
    public static explicit operator int(RedisValue value)
    {
        long result = (long)value;
        return result is >= int.MinValue and <= int.MaxValue
            ? (int)result
            : throw new InvalidCastException($"The value {result} does not fit in a 32-bit integer.");
    }

    /// <summary>Reads the value as a 32-bit integer, or null for <see cref="Null"/>.</summary>
    public static explicit operator int?(RedisValue value) => value.IsNull ? null : (int)value;

    /// <summary>Reads the value as a floating-point number (accepts Redis's <c>inf</c>, <c>+inf</c>, <c>-inf</c>).</summary>
    /// <exception cref="InvalidCastException">The value is null or not a number.</exception>
    public static explicit operator double(RedisValue value) =>
        value.TryGetDouble(out double result)
            ? result
            : throw new InvalidCastException(value.IsNull
                ? "The value is null; convert to double? instead."
                : $"The value '{value}' is not a number.");

    /// <summary>Reads the value as a floating-point number, or null for <see cref="Null"/>.</summary>
    public static explicit operator double?(RedisValue value) => value.IsNull ? null : (double)value;

    /// <summary>Tries to read the value as a 64-bit integer.</summary>
    public bool TryGetInt64(out long result)
    {
        switch (_kind)
        {
            case Kind.Integer:
                result = _bits;
                return true;
            case Kind.Double:
                double d = BitConverter.Int64BitsToDouble(_bits);
                result = (long)d;
                return d == Math.Floor(d) && d is >= long.MinValue and < 9.2233720368547758e18;
            case Kind.String:
                return long.TryParse((string)_object!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result);
            case Kind.Bytes:
                byte[] bytes = (byte[])_object!;
                return Utf8Parser.TryParse(bytes, out result, out int consumed) && consumed == bytes.Length && bytes.Length > 0;
            default:
                result = 0;
                return false;
        }
    }

    /// <summary>Tries to read the value as a floating-point number.</summary>
    public bool TryGetDouble(out double result)
    {
        switch (_kind)
        {
            case Kind.Integer:
                result = _bits;
                return true;
            case Kind.Double:
                result = BitConverter.Int64BitsToDouble(_bits);
                return true;
            case Kind.String:
                return TryParseDouble(((string)_object!).AsSpan(), out result);
            case Kind.Bytes:
                byte[] bytes = (byte[])_object!;
                Span<char> chars = bytes.Length <= 64 ? stackalloc char[bytes.Length] : new char[bytes.Length];
                int count = Encoding.UTF8.GetChars(bytes, chars);
                return TryParseDouble(chars[..count], out result);
            default:
                result = 0;
                return false;
        }
    }

    internal static bool TryParseDouble(ReadOnlySpan<char> text, out double result)
    {
        if (text.Equals("inf", StringComparison.OrdinalIgnoreCase) || text.Equals("+inf", StringComparison.OrdinalIgnoreCase))
        {
            result = double.PositiveInfinity;
            return true;
        }
        if (text.Equals("-inf", StringComparison.OrdinalIgnoreCase))
        {
            result = double.NegativeInfinity;
            return true;
        }
        if (text.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            result = double.NaN;
            return true;
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out result);
    }

    /// <summary>The value as a string; the empty string for <see cref="Null"/>.</summary>
    public override string ToString() => (string?)this ?? string.Empty;

    /// <inheritdoc />
    public bool Equals(RedisValue other)
    {
        if (_kind == Kind.Null || other._kind == Kind.Null)
        {
            return _kind == other._kind;
        }
        if (_kind == other._kind)
        {
            return _kind switch
            {
                Kind.String => string.Equals((string)_object!, (string)other._object!, StringComparison.Ordinal),
                Kind.Bytes => ((byte[])_object!).AsSpan().SequenceEqual((byte[])other._object!),
                _ => _bits == other._bits,
            };
        }
        return ((byte[]?)this)!.AsSpan().SequenceEqual(((byte[]?)other)!);
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is RedisValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        if (_kind == Kind.Null)
        {
            return 0;
        }
        // Hash the wire bytes so that values equal across kinds hash alike.
        var hash = new HashCode();
        hash.AddBytes(_kind == Kind.Bytes ? (byte[])_object! : ((byte[]?)this)!);
        return hash.ToHashCode();
    }

    /// <summary>Compares two values by their bytes.</summary>
    public static bool operator ==(RedisValue left, RedisValue right) => left.Equals(right);

    /// <summary>Compares two values by their bytes.</summary>
    public static bool operator !=(RedisValue left, RedisValue right) => !left.Equals(right);

    /// <summary>Writes the value as a RESP bulk string: <c>$length\r\nbytes\r\n</c>.</summary>
    internal void WriteBulkString(IBufferWriter<byte> writer)
    {
        switch (_kind)
        {
            case Kind.Null:
                RespWriter.WriteEmptyBulkString(writer);
                break;
            case Kind.Bytes:
                byte[] bytes = (byte[])_object!;
                RespWriter.WriteLengthHeader(writer, (byte)'$', bytes.Length);
                writer.Write(bytes);
                RespWriter.WriteCrlf(writer);
                break;
            case Kind.String:
                string text = (string)_object!;
                int length = Encoding.UTF8.GetByteCount(text);
                RespWriter.WriteLengthHeader(writer, (byte)'$', length);
                Encoding.UTF8.GetBytes(text.AsSpan(), writer);
                RespWriter.WriteCrlf(writer);
                break;
            default:
                Span<byte> number = stackalloc byte[MaxNumberLength];
                int written = FormatNumber(number);
                RespWriter.WriteLengthHeader(writer, (byte)'$', written);
                writer.Write(number[..written]);
                RespWriter.WriteCrlf(writer);
                break;
        }
    }

    private int FormatNumber(Span<byte> destination)
    {
        if (_kind == Kind.Integer)
        {
            _bits.TryFormat(destination, out int written, default, CultureInfo.InvariantCulture);
            return written;
        }
        double value = BitConverter.Int64BitsToDouble(_bits);
        if (double.IsInfinity(value))
        {
            ReadOnlySpan<byte> inf = value > 0 ? "+inf"u8 : "-inf"u8;
            inf.CopyTo(destination);
            return inf.Length;
        }
        value.TryFormat(destination, out int count, "R", CultureInfo.InvariantCulture);
        return count;
    }

    private string FormatNumber()
    {
        Span<byte> number = stackalloc byte[MaxNumberLength];
        return Encoding.ASCII.GetString(number[..FormatNumber(number)]);
    }
}
