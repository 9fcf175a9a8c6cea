using System.Globalization;
using System.Text;
using Google.Protobuf.Collections;
using PaymentPlatform.Otlp.Common.V1;

namespace PaymentPlatform.Hosting.Dashboard.Storage;

/// <summary>
/// OTLP attribute values as the strings the store keeps (as the Aspire dashboard does): scalars
/// in invariant form, bytes as base64, arrays and key-value lists as JSON.
/// </summary>
internal static class OtlpValues
{
    public static KeyValuePair<string, string>[] Attributes(RepeatedField<KeyValue> source, TelemetryLimits limits, StringPool? pool = null)
    {
        if (source.Count == 0)
        {
            return [];
        }
        var count = Math.Min(source.Count, limits.MaxAttributeCount);
        var result = new KeyValuePair<string, string>[count];
        for (var i = 0; i < count; i++)
        {
            var value = Truncate(ToText(source[i].Value), limits.MaxAttributeLength);
            result[i] = pool is null ? new(source[i].Key, value) : new(pool.Intern(source[i].Key), pool.Intern(value));
        }
        return result;
    }

    public static string Truncate(string value, int maxLength) =>
        value.Length <= maxLength ? value : value[..maxLength];

    public static string ToText(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString("R", CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.BytesValue => value.BytesValue.ToBase64(),
        AnyValue.ValueOneofCase.ArrayValue or AnyValue.ValueOneofCase.KvlistValue => ToJson(value, new StringBuilder()).ToString(),
        _ => "",
    };

    private static StringBuilder ToJson(AnyValue? value, StringBuilder sb)
    {
        switch (value?.ValueCase)
        {
            case AnyValue.ValueOneofCase.ArrayValue:
                sb.Append('[');
                for (var i = 0; i < value.ArrayValue.Values.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }
                    ToJson(value.ArrayValue.Values[i], sb);
                }
                return sb.Append(']');
            case AnyValue.ValueOneofCase.KvlistValue:
                sb.Append('{');
                for (var i = 0; i < value.KvlistValue.Values.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }
                    AppendJsonString(sb, value.KvlistValue.Values[i].Key).Append(':');
                    ToJson(value.KvlistValue.Values[i].Value, sb);
                }
                return sb.Append('}');
            case AnyValue.ValueOneofCase.BoolValue:
            case AnyValue.ValueOneofCase.IntValue:
                return sb.Append(ToText(value));
            case AnyValue.ValueOneofCase.DoubleValue:
                return double.IsFinite(value.DoubleValue) ? sb.Append(ToText(value)) : AppendJsonString(sb, ToText(value));
            case null:
            case AnyValue.ValueOneofCase.None:
                return sb.Append("null");
            default:
                return AppendJsonString(sb, ToText(value));
        }
    }

    private static StringBuilder AppendJsonString(StringBuilder sb, string text) =>
        sb.Append(System.Text.Json.JsonSerializer.Serialize(text));
}
