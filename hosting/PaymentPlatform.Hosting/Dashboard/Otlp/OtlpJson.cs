using System.Buffers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;

namespace PaymentPlatform.Hosting.Dashboard.Otlp;

/// <summary>
/// OTLP/JSON (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding) is proto3's JSON
/// mapping with one exception: trace and span ids are hex strings, not base64. This rewrites those
/// ids to base64 and hands the result to Google.Protobuf's parser, which already accepts
/// lowerCamelCase and original field names, enums as integers, and 64-bit integers as strings.
/// </summary>
internal static class OtlpJson
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default);

    public static T Parse<T>(ReadOnlySpan<byte> utf8) where T : IMessage<T>, new()
    {
        var buffer = new ArrayBufferWriter<byte>(utf8.Length + 64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            HexIdsToBase64(utf8, writer);
        }
        return Parser.Parse<T>(Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    public static string Format(IMessage message) => Formatter.Format(message);

    private static void HexIdsToBase64(ReadOnlySpan<byte> utf8, Utf8JsonWriter writer)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var idFollows = false;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    idFollows = IsIdProperty(ref reader);
                    writer.WritePropertyName(reader.GetString()!);
                    continue;
                case JsonTokenType.String when idFollows:
                    var hex = reader.GetString()!;
                    try
                    {
                        writer.WriteStringValue(Convert.ToBase64String(Convert.FromHexString(hex)));
                    }
                    catch (FormatException)
                    {
                        throw new MalformedOtlpException($"'{hex}' is not a hex id; OTLP/JSON writes trace and span ids as hex.");
                    }
                    break;
                case JsonTokenType.String:
                    writer.WriteStringValue(reader.GetString());
                    break;
                case JsonTokenType.Number:
                    writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                    break;
                case JsonTokenType.True:
                case JsonTokenType.False:
                    writer.WriteBooleanValue(reader.GetBoolean());
                    break;
                case JsonTokenType.Null:
                    writer.WriteNullValue();
                    break;
                case JsonTokenType.StartObject:
                    writer.WriteStartObject();
                    break;
                case JsonTokenType.EndObject:
                    writer.WriteEndObject();
                    break;
                case JsonTokenType.StartArray:
                    writer.WriteStartArray();
                    break;
                case JsonTokenType.EndArray:
                    writer.WriteEndArray();
                    break;
            }
            idFollows = false;
        }
    }

    private static bool IsIdProperty(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("traceId"u8) || reader.ValueTextEquals("spanId"u8) || reader.ValueTextEquals("parentSpanId"u8)
        || reader.ValueTextEquals("trace_id"u8) || reader.ValueTextEquals("span_id"u8) || reader.ValueTextEquals("parent_span_id"u8);
}

/// <summary>An OTLP body that cannot be decoded.</summary>
internal sealed class MalformedOtlpException(string message) : Exception(message);
