using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using PaymentPlatform.Hosting.Dashboard.Api;
using static PaymentPlatform.Dashboard.Tests.OtlpData;

namespace PaymentPlatform.Dashboard.Tests;

/// <summary>
/// Requests the receiver must refuse: each gets a 4xx with a google.rpc.Status body saying why,
/// and the store is left exactly as it was.
/// </summary>
public class OtlpRejectionTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("not-the-key")]
    public async Task AWrongOrMissingApiKeyIsAnswered401AndStoresNothing(string? key)
    {
        await using var dashboard = await TestDashboard.StartAsync();
        var before = await StoreWithOneOfEachAsync(dashboard);
        using var client = new HttpClient { BaseAddress = dashboard.Info.OtlpEndpoint };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("x-otlp-api-key", key);
        }

        foreach (var (path, body) in OneOfEach())
        {
            using var response = await dashboard.PostProtobufAsync(path, body, client);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("x-otlp-api-key", RpcStatusMessage(await response.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);
        }

        Assert.Equal(before, await dashboard.StatsAsync());
    }

    [Fact]
    public async Task TheBrowserTokenDoesNotOpenTheReceiver()
    {
        await using var dashboard = await TestDashboard.StartAsync();
        using var client = new HttpClient { BaseAddress = dashboard.Info.OtlpEndpoint };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", dashboard.Info.BrowserToken);

        using var response = await dashboard.PostProtobufAsync("/v1/traces", OneOfEach()[0].Body, client);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task MalformedProtobufIsAnswered400AndLeavesTheStoreAsItWas()
    {
        await using var dashboard = await TestDashboard.StartAsync();
        var before = await StoreWithOneOfEachAsync(dashboard);
        // Field 1 (resource_spans), length-delimited, claiming 100 bytes where 3 follow.
        byte[] truncated = [0x0A, 100, 1, 2, 3];

        foreach (var path in new[] { "/v1/traces", "/v1/logs", "/v1/metrics" })
        {
            using var response = await dashboard.PostProtobufAsync(path, truncated);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("not a valid protobuf", RpcStatusMessage(await response.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);
        }

        Assert.Equal(before, await dashboard.StatsAsync());
    }

    [Theory]
    [InlineData("{\"resourceSpans\": [")]
    [InlineData("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"not-hex\",\"spanId\":\"eee19b7ec3c1b174\"}]}]}]}")]
    [InlineData("{\"resourceSpans\":{\"oops\":1}}")]
    public async Task MalformedJsonIsAnswered400WithAJsonStatusAndLeavesTheStoreAsItWas(string json)
    {
        await using var dashboard = await TestDashboard.StartAsync();
        var before = await StoreWithOneOfEachAsync(dashboard);

        using var response = await dashboard.PostJsonAsync("/v1/traces", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var status = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(3, status.GetProperty("code").GetInt32()); // INVALID_ARGUMENT
        Assert.Contains("OTLP/JSON", status.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await dashboard.StatsAsync());
    }

    [Fact]
    public async Task AnOversizedBodyIsAnswered413AndLeavesTheStoreAsItWas()
    {
        await using var dashboard = await TestDashboard.StartAsync(maxRequestBodySize: 4096);
        var before = await StoreWithOneOfEachAsync(dashboard);
        var large = LargeTraces(8192);

        using var announced = await dashboard.PostProtobufAsync("/v1/traces", large);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, announced.StatusCode);
        Assert.Contains("Dashboard:Otlp:MaxRequestBodySize", RpcStatusMessage(await announced.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);

        // Chunked: no Content-Length to refuse up front, so the limit applies while reading.
        using var chunked = new StreamContent(new MemoryStream(large));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var chunkedRequest = new HttpRequestMessage(HttpMethod.Post, "/v1/traces") { Content = chunked };
        chunkedRequest.Headers.TransferEncodingChunked = true;
        using var chunkedResponse = await dashboard.Otlp.SendAsync(chunkedRequest);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunkedResponse.StatusCode);

        // Small on the wire, large once decompressed.
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(large);
        }
        Assert.True(compressed.Length < 4096, $"the gzip body should fit the limit on the wire; it is {compressed.Length} bytes");
        using var gzipped = new ByteArrayContent(compressed.ToArray());
        gzipped.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        gzipped.Headers.ContentEncoding.Add("gzip");
        using var gzipResponse = await dashboard.Otlp.PostAsync("/v1/traces", gzipped);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, gzipResponse.StatusCode);

        Assert.Equal(before, await dashboard.StatsAsync());
    }

    [Fact]
    public async Task AnUnsupportedContentTypeOrEncodingIsAnswered415()
    {
        await using var dashboard = await TestDashboard.StartAsync();
        var body = OneOfEach()[0].Body;

        using var text = new ByteArrayContent(body);
        text.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        using var textResponse = await dashboard.Otlp.PostAsync("/v1/traces", text);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, textResponse.StatusCode);

        using var brotli = new ByteArrayContent(body);
        brotli.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        brotli.Headers.ContentEncoding.Add("br");
        using var brotliResponse = await dashboard.Otlp.PostAsync("/v1/traces", brotli);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, brotliResponse.StatusCode);

        Assert.Equal(0, (await dashboard.StatsAsync()).SpansAccepted);
    }

    private static (string Path, byte[] Body)[] OneOfEach() =>
    [
        ("/v1/traces", Traces("gateway", "gateway-0", NewSpan(NewTraceId(), NewSpanId(), null, "POST /v1/payments")).ToByteArray()),
        ("/v1/logs", Logs("gateway", "gateway-0", Log("hello")).ToByteArray()),
        ("/v1/metrics", Metrics("gateway", "gateway-0", Gauge("queue.length", Number(1, 1))).ToByteArray()),
    ];

    /// <summary>Stores a trace, a log and a point, and returns the stats the rejected requests must not change.</summary>
    private static async Task<TelemetryStatsDto> StoreWithOneOfEachAsync(TestDashboard dashboard)
    {
        foreach (var (path, body) in OneOfEach())
        {
            using var response = await dashboard.PostProtobufAsync(path, body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var stats = await dashboard.StatsAsync();
        Assert.Equal((1, 1, 1), (stats.Traces, stats.Logs, stats.MetricPoints));
        return stats;
    }

    private static byte[] LargeTraces(int atLeastBytes)
    {
        var traceId = NewTraceId();
        var request = Traces("gateway", null);
        while (request.CalculateSize() < atLeastBytes)
        {
            request.ResourceSpans[0].ScopeSpans[0].Spans.Add(NewSpan(traceId, NewSpanId(), null, "GET /v1/payments/{id}", attributes: Attribute("padding", new string('x', 200))));
        }
        return request.ToByteArray();
    }

    /// <summary>google.rpc.Status.message (field 2) from a protobuf error body.</summary>
    private static string RpcStatusMessage(byte[] body)
    {
        var input = new CodedInputStream(body);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 2)
            {
                return input.ReadString();
            }
            input.SkipLastField();
        }
        return "";
    }
}
