using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using PaymentPlatform.Hosting.Dashboard;
using PaymentPlatform.Hosting.Dashboard.Api;

namespace PaymentPlatform.Dashboard.Tests;

/// <summary>
/// A dashboard of its own for one test (no shared state): the server on a loopback port, a
/// client that exports OTLP with the right key, and a client for the telemetry API.
/// </summary>
public sealed class TestDashboard : IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private TestDashboard(DashboardServer server)
    {
        Server = server;
        Otlp = new HttpClient { BaseAddress = server.Info.OtlpEndpoint };
        Otlp.DefaultRequestHeaders.Add("x-otlp-api-key", server.Info.OtlpApiKey);
        Api = new HttpClient { BaseAddress = server.Info.Url };
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.Info.BrowserToken);
    }

    internal DashboardServer Server { get; }

    public DashboardInfo Info => Server.Info;

    /// <summary>Sends OTLP with the run's API key.</summary>
    public HttpClient Otlp { get; }

    /// <summary>Calls the telemetry API with the browser token.</summary>
    public HttpClient Api { get; }

    public static async Task<TestDashboard> StartAsync(Action<TelemetryLimits>? limits = null, long maxRequestBodySize = 8 * 1024 * 1024)
    {
        var telemetryLimits = new TelemetryLimits();
        limits?.Invoke(telemetryLimits);
        var options = new DashboardOptions
        {
            BrowserToken = DashboardOptions.GenerateSecret(),
            OtlpApiKey = DashboardOptions.GenerateSecret(),
            Limits = telemetryLimits,
            MaxRequestBodySize = maxRequestBodySize,
        };
        return new TestDashboard(await DashboardServer.StartAsync(options, host: null));
    }

    /// <summary>POSTs a message as binary protobuf and expects 200.</summary>
    public async Task<TResponse> ExportAsync<TResponse>(string path, IMessage request, MessageParser<TResponse> responseParser) where TResponse : IMessage<TResponse>
    {
        using var response = await PostProtobufAsync(path, request.ToByteArray());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        return responseParser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
    }

    public Task<HttpResponseMessage> PostProtobufAsync(string path, byte[] body, HttpClient? client = null)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return (client ?? Otlp).PostAsync(path, content);
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        Otlp.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>GETs from the telemetry API and expects 200.</summary>
    public async Task<T> GetAsync<T>(string pathAndQuery)
    {
        using var response = await Api.GetAsync(pathAndQuery);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {pathAndQuery} answered {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, Json)!;
    }

    /// <summary>GETs from the telemetry API and expects a problem with this status.</summary>
    public async Task<JsonElement> GetProblemAsync(string pathAndQuery, HttpStatusCode expected)
    {
        using var response = await Api.GetAsync(pathAndQuery);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public Task<TelemetryStatsDto> StatsAsync() => GetAsync<TelemetryStatsDto>("/api/telemetry/stats");

    public async ValueTask DisposeAsync()
    {
        Otlp.Dispose();
        Api.Dispose();
        await Server.DisposeAsync();
    }
}
