using System.Buffers;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using PaymentPlatform.Hosting.Dashboard.Storage;
using PaymentPlatform.Otlp.Collector.Logs.V1;
using PaymentPlatform.Otlp.Collector.Metrics.V1;
using PaymentPlatform.Otlp.Collector.Trace.V1;

namespace PaymentPlatform.Hosting.Dashboard.Otlp;

/// <summary>
/// The OTLP/HTTP receiver (https://opentelemetry.io/docs/specs/otlp/#otlphttp):
/// <c>POST /v1/traces</c>, <c>/v1/metrics</c> and <c>/v1/logs</c> with binary protobuf
/// (<c>application/x-protobuf</c>) or JSON bodies, optionally gzip-compressed, each request
/// carrying the run's key in <c>x-otlp-api-key</c>. A request is stored whole or not at all;
/// records the store cannot take are reported as OTLP partial success.
/// </summary>
internal static class OtlpHttpReceiver
{
    public const string ApiKeyHeader = "x-otlp-api-key";

    public static RouteGroupBuilder MapOtlpReceiver(this IEndpointRouteBuilder endpoints, TelemetryStore store, DashboardOptions options)
    {
        var apiKey = Encoding.UTF8.GetBytes(options.OtlpApiKey);
        var group = endpoints.MapGroup("/v1");
        group.AddEndpointFilter((context, next) =>
        {
            var presented = context.HttpContext.Request.Headers[ApiKeyHeader].ToString();
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), apiKey)
                ? next(context)
                : ValueTask.FromResult<object?>(OtlpResponse.Error(context.HttpContext.Request, StatusCodes.Status401Unauthorized, RpcCode.Unauthenticated,
                    $"Missing or wrong {ApiKeyHeader} header; the AppHost passes the key to its resources in OTEL_EXPORTER_OTLP_HEADERS."));
        });

        group.MapPost("/traces", (HttpRequest request, CancellationToken cancellationToken) =>
            ReceiveAsync(request, options, ExportTraceServiceRequest.Parser, store.AddTraces,
                result => new ExportTraceServiceResponse { PartialSuccess = result.Rejected == 0 ? null : new ExportTracePartialSuccess { RejectedSpans = result.Rejected, ErrorMessage = result.Error ?? "" } },
                cancellationToken));
        group.MapPost("/logs", (HttpRequest request, CancellationToken cancellationToken) =>
            ReceiveAsync(request, options, ExportLogsServiceRequest.Parser, store.AddLogs,
                result => new ExportLogsServiceResponse { PartialSuccess = result.Rejected == 0 ? null : new ExportLogsPartialSuccess { RejectedLogRecords = result.Rejected, ErrorMessage = result.Error ?? "" } },
                cancellationToken));
        group.MapPost("/metrics", (HttpRequest request, CancellationToken cancellationToken) =>
            ReceiveAsync(request, options, ExportMetricsServiceRequest.Parser, store.AddMetrics,
                result => new ExportMetricsServiceResponse { PartialSuccess = result.Rejected == 0 ? null : new ExportMetricsPartialSuccess { RejectedDataPoints = result.Rejected, ErrorMessage = result.Error ?? "" } },
                cancellationToken));
        return group;
    }

    private static async Task<IResult> ReceiveAsync<TRequest, TResponse>(
        HttpRequest request,
        DashboardOptions options,
        MessageParser<TRequest> parser,
        Func<TRequest, IngestResult> store,
        Func<IngestResult, TResponse> respond,
        CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>
    {
        var format = OtlpResponse.FormatOf(request);
        if (format is null)
        {
            return OtlpResponse.Error(request, StatusCodes.Status415UnsupportedMediaType, RpcCode.InvalidArgument,
                $"Content-Type '{request.ContentType}' is not OTLP/HTTP; send application/x-protobuf or application/json.");
        }
        var encoding = request.Headers.ContentEncoding.ToString();
        if (encoding.Length > 0 && !encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase) && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return OtlpResponse.Error(request, StatusCodes.Status415UnsupportedMediaType, RpcCode.InvalidArgument,
                $"Content-Encoding '{encoding}' is not supported; send gzip or no encoding.");
        }

        var body = await BodyReader.ReadAsync(request.Body, request.ContentLength, options.MaxRequestBodySize, cancellationToken).ConfigureAwait(false);
        if (body is not null && encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase))
        {
            body = BodyReader.Gunzip(body.Value, options.MaxRequestBodySize);
        }
        if (body is not { } payload)
        {
            return OtlpResponse.Error(request, StatusCodes.Status413PayloadTooLarge, RpcCode.ResourceExhausted,
                $"The body is larger than {options.MaxRequestBodySize} bytes (Dashboard:Otlp:MaxRequestBodySize); export smaller batches.");
        }

        TRequest message;
        try
        {
            message = format == OtlpFormat.Protobuf
                ? parser.ParseFrom(payload.Span)
                : OtlpJson.Parse<TRequest>(payload.Span);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException or System.Text.Json.JsonException or MalformedOtlpException or InvalidDataException)
        {
            return OtlpResponse.Error(request, StatusCodes.Status400BadRequest, RpcCode.InvalidArgument,
                $"The body is not a valid {(format == OtlpFormat.Protobuf ? "protobuf" : "OTLP/JSON")} {typeof(TRequest).Name}: {ex.Message}");
        }
        finally
        {
            payload.Return();
        }

        var result = store(message);
        return OtlpResponse.Success(format.Value, respond(result));
    }
}

internal enum OtlpFormat
{
    Protobuf,
    Json,
}

/// <summary>The gRPC status codes OTLP/HTTP error bodies carry (google.rpc.Status.code).</summary>
internal enum RpcCode
{
    InvalidArgument = 3,
    ResourceExhausted = 8,
    Unauthenticated = 16,
}

/// <summary>A body read into a pooled buffer; <see cref="Return"/> gives the buffer back.</summary>
internal readonly record struct PooledBody(byte[] Buffer, int Length)
{
    public ReadOnlySpan<byte> Span => Buffer.AsSpan(0, Length);

    public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
}

internal static class BodyReader
{
    /// <summary>The whole body, or null when it is larger than <paramref name="max"/> (read no further than that).</summary>
    public static async Task<PooledBody?> ReadAsync(Stream body, long? contentLength, long max, CancellationToken cancellationToken)
    {
        if (contentLength > max)
        {
            return null;
        }
        // One byte more than announced, so reading to the end never has to grow the buffer.
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(max, contentLength ?? 64 * 1024) + 1);
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                buffer = Grow(buffer, length, max);
            }
            var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return new PooledBody(buffer, length);
            }
            length += read;
            if (length > max)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                return null;
            }
        }
    }

    /// <summary>Decompresses a gzip body (returning its buffer), or null when the result is larger than <paramref name="max"/>.</summary>
    public static PooledBody? Gunzip(PooledBody compressed, long max)
    {
        try
        {
            using var gzip = new GZipStream(new MemoryStream(compressed.Buffer, 0, compressed.Length, writable: false), CompressionMode.Decompress);
            var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(max, Math.Max(compressed.Length * 4L, 64 * 1024)) + 1);
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    buffer = Grow(buffer, length, max);
                }
                var read = gzip.Read(buffer.AsSpan(length));
                if (read == 0)
                {
                    return new PooledBody(buffer, length);
                }
                length += read;
                if (length > max)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return null;
                }
            }
        }
        finally
        {
            compressed.Return();
        }
    }

    private static byte[] Grow(byte[] buffer, int length, long max)
    {
        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(max + 1, buffer.Length * 2L));
        buffer.AsSpan(0, length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }
}

/// <summary>OTLP/HTTP responses: the export response on success, a google.rpc.Status on failure, in the request's encoding.</summary>
internal sealed class OtlpResponse(int statusCode, string contentType, byte[] body) : IResult
{
    private const string ProtobufContentType = "application/x-protobuf";
    private const string JsonContentType = "application/json";

    public static OtlpFormat? FormatOf(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType))
        {
            return null;
        }
        return mediaType.MediaType.Value?.ToLowerInvariant() switch
        {
            "application/x-protobuf" or "application/protobuf" => OtlpFormat.Protobuf,
            "application/json" => OtlpFormat.Json,
            _ => null,
        };
    }

    public static OtlpResponse Success(OtlpFormat format, IMessage response) => format == OtlpFormat.Protobuf
        ? new(StatusCodes.Status200OK, ProtobufContentType, response.ToByteArray())
        : new(StatusCodes.Status200OK, JsonContentType, Encoding.UTF8.GetBytes(OtlpJson.Format(response)));

    /// <summary>An error with a google.rpc.Status body (code = 1, message = 2), as OTLP/HTTP specifies.</summary>
    public static OtlpResponse Error(HttpRequest request, int statusCode, RpcCode code, string message)
    {
        if (FormatOf(request) == OtlpFormat.Json)
        {
            var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["code"] = (int)code, ["message"] = message });
            return new(statusCode, JsonContentType, json);
        }
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        output.WriteTag(1, WireFormat.WireType.Varint);
        output.WriteInt32((int)code);
        output.WriteTag(2, WireFormat.WireType.LengthDelimited);
        output.WriteString(message);
        output.Flush();
        return new(statusCode, ProtobufContentType, stream.ToArray());
    }

    public int StatusCode => statusCode;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = statusCode;
        httpContext.Response.ContentType = contentType;
        httpContext.Response.ContentLength = body.Length;
        return httpContext.Response.Body.WriteAsync(body).AsTask();
    }
}
