using System.Diagnostics;
using System.Text;

namespace PaymentPlatform.Redis;

/// <summary>The kind of a reply, covering the RESP2 and RESP3 reply types.</summary>
public enum RedisResultType
{
    /// <summary>A null reply (RESP2 null bulk string or array, RESP3 null).</summary>
    Null,
    /// <summary>A simple string such as <c>OK</c>.</summary>
    SimpleString,
    /// <summary>An error reply; only seen as an element of an aggregate, since a top-level error is thrown as <see cref="RedisServerException"/>.</summary>
    Error,
    /// <summary>A 64-bit integer.</summary>
    Integer,
    /// <summary>A binary-safe string.</summary>
    BulkString,
    /// <summary>An array of replies.</summary>
    Array,
    /// <summary>A RESP3 map; <see cref="RedisResult.Elements"/> alternates keys and values.</summary>
    Map,
    /// <summary>A RESP3 set.</summary>
    Set,
    /// <summary>A RESP3 out-of-band push message.</summary>
    Push,
    /// <summary>A RESP3 floating-point number.</summary>
    Double,
    /// <summary>A RESP3 boolean (read as the integer 1 or 0).</summary>
    Boolean,
    /// <summary>A RESP3 big number (read as its decimal string).</summary>
    BigNumber,
    /// <summary>A RESP3 verbatim string (read without its format prefix).</summary>
    VerbatimString,
}

/// <summary>
/// A reply from Redis: a single value (<see cref="Value"/>) or an aggregate of replies
/// (<see cref="Elements"/>). Returned by <see cref="RedisClient.ExecuteAsync(string, IReadOnlyList{RedisValue}, CancellationToken)"/>
/// and by scripts.
/// </summary>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class RedisResult
{
    private static readonly RedisResult[] s_integers = CreateSmallIntegers();

    private readonly RedisValue _value;
    private readonly RedisResult[]? _elements;

    private RedisResult(RedisResultType type, RedisValue value, RedisResult[]? elements)
    {
        Type = type;
        _value = value;
        _elements = elements;
    }

    internal static RedisResult Null { get; } = new(RedisResultType.Null, RedisValue.Null, null);

    internal static RedisResult Ok { get; } = new(RedisResultType.SimpleString, "OK", null);

    internal static RedisResult Pong { get; } = new(RedisResultType.SimpleString, "PONG", null);

    internal static RedisResult True { get; } = new(RedisResultType.Boolean, 1, null);

    internal static RedisResult False { get; } = new(RedisResultType.Boolean, 0, null);

    /// <summary>The kind of reply.</summary>
    public RedisResultType Type { get; }

    /// <summary>Whether this is a null reply.</summary>
    public bool IsNull => Type == RedisResultType.Null;

    /// <summary>Whether this reply is an aggregate (array, map, set or push) with <see cref="Elements"/>.</summary>
    public bool IsAggregate => _elements is not null;

    /// <summary>The value of a single-value reply; <see cref="RedisValue.Null"/> for a null reply.</summary>
    /// <exception cref="InvalidOperationException">The reply is an aggregate.</exception>
    public RedisValue Value => _elements is null
        ? _value
        : throw new InvalidOperationException($"A {Type} reply has elements, not a single value.");

    /// <summary>The elements of an aggregate reply. For a map, keys and values alternate.</summary>
    /// <exception cref="InvalidOperationException">The reply is not an aggregate.</exception>
    public IReadOnlyList<RedisResult> Elements => _elements
        ?? throw new InvalidOperationException($"A {Type} reply is a single value, not an aggregate.");

    /// <summary>The message of an error reply, or null.</summary>
    public string? ErrorMessage => Type == RedisResultType.Error ? (string?)_value : null;

    /// <summary>The element at <paramref name="index"/> of an aggregate reply.</summary>
    public RedisResult this[int index] => Elements[index];

    /// <summary>Reads a single-value reply as a string (null for a null reply).</summary>
    public static explicit operator string?(RedisResult result) => (string?)SingleValue(result);

    /// <summary>Reads a single-value reply as bytes (null for a null reply).</summary>
    public static explicit operator byte[]?(RedisResult result) => (byte[]?)SingleValue(result);

    /// <summary>Reads a single-value reply as a 64-bit integer.</summary>
    public static explicit operator long(RedisResult result) => (long)SingleValue(result);

    /// <summary>Reads a single-value reply as a 64-bit integer, or null for a null reply.</summary>
    public static explicit operator long?(RedisResult result) => (long?)SingleValue(result);

    /// <summary>Reads a single-value reply as a floating-point number.</summary>
    public static explicit operator double(RedisResult result) => (double)SingleValue(result);

    /// <summary>Reads a single-value reply as a floating-point number, or null for a null reply.</summary>
    public static explicit operator double?(RedisResult result) => (double?)SingleValue(result);

    /// <summary>Reads a single-value reply as a boolean: a RESP3 boolean, or an integer that is not zero.</summary>
    public static explicit operator bool(RedisResult result) => (long)SingleValue(result) != 0;

    /// <summary>Reads a single-value reply as a <see cref="RedisValue"/>.</summary>
    public static explicit operator RedisValue(RedisResult result) => SingleValue(result);

    private static RedisValue SingleValue(RedisResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Value;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        if (_elements is null)
        {
            return Type switch
            {
                RedisResultType.Null => "(nil)",
                RedisResultType.Error => $"(error) {_value}",
                _ => _value.ToString(),
            };
        }
        var builder = new StringBuilder().Append('[');
        for (int i = 0; i < _elements.Length; i++)
        {
            builder.Append(i == 0 ? "" : ", ").Append(_elements[i]);
        }
        return builder.Append(']').ToString();
    }

    internal static RedisResult SimpleString(string value) => value switch
    {
        "OK" => Ok,
        "PONG" => Pong,
        _ => new(RedisResultType.SimpleString, value, null),
    };

    internal static RedisResult Error(string message) => new(RedisResultType.Error, message, null);

    internal static RedisResult Integer(long value) =>
        value is >= -1 and < 256 ? s_integers[value + 1] : new(RedisResultType.Integer, value, null);

    internal static RedisResult Bulk(byte[] value) => new(RedisResultType.BulkString, value, null);

    internal static RedisResult Scalar(RedisResultType type, RedisValue value) => new(type, value, null);

    internal static RedisResult Aggregate(RedisResultType type, RedisResult[] elements) => new(type, RedisValue.Null, elements);

    /// <summary>Whether this is an aggregate whose first element is the given ASCII word, such as a pub/sub <c>message</c>.</summary>
    internal bool StartsWith(string word) =>
        _elements is [{ _elements: null } first, ..]
        && first.Type is RedisResultType.BulkString or RedisResultType.SimpleString
        && string.Equals((string?)first._value, word, StringComparison.OrdinalIgnoreCase);

    private static RedisResult[] CreateSmallIntegers()
    {
        var integers = new RedisResult[257];
        for (int i = 0; i < integers.Length; i++)
        {
            integers[i] = new RedisResult(RedisResultType.Integer, i - 1, null);
        }
        return integers;
    }
}
