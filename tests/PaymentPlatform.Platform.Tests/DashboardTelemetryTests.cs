using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.Dashboard.Api;
using PaymentPlatform.Hosting.Testing;
using Xunit.Abstractions;

namespace PaymentPlatform.Platform.Tests;

/// <summary>
/// The whole platform with the dashboard on, as run mode has it: every service exports to the
/// dashboard's OTLP receiver, and tests ask the telemetry API about traces and logs.
/// </summary>
public sealed class DashboardPlatformFixture : IAsyncLifetime
{
    private IDistributedApplicationTestingBuilder? _builder;

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>The telemetry API, authenticated with the run's browser token.</summary>
    public HttpClient Telemetry { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.PaymentPlatform_AppHost>([], options => options with { EnableDashboard = true });
        App = await _builder.BuildAsync();
        await App.StartAndWaitForHealthyAsync(PlatformFixture.StartTimeout);
        Telemetry = App.CreateDashboardClient();
    }

    public async Task DisposeAsync()
    {
        Telemetry?.Dispose();
        if (_builder is not null)
        {
            await _builder.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardPlatformCollection : ICollectionFixture<DashboardPlatformFixture>
{
    public const string Name = "Platform with dashboard";
}

[Collection(DashboardPlatformCollection.Name)]
public class DashboardTelemetryTests(DashboardPlatformFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task APaymentsTraceInTheTelemetryApiHasSpansFromGatewayRiskAndLedgerAndLinkedLogs()
    {
        // The merchant's own trace context, as a merchant's instrumented client would send it.
        var traceId = RandomNumberGenerator.GetHexString(32, lowercase: true);
        var merchantSpanId = RandomNumberGenerator.GetHexString(16, lowercase: true);
        using var merchant = await fixture.App.CreateMerchantAsync();
        var gateway = merchant.Client;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/payments")
        {
            Content = JsonContent.Create(new
            {
                amount = 1000,
                currency = "usd",
                capture_method = "manual",
                payment_method = new { type = "card", card = new { number = Probes.NewCardNumber(), exp_month = 12, exp_year = 2030, cvc = "123" } },
            }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{merchantSpanId}-01");

        using var response = await gateway.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /v1/payments answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");

        var trace = await WaitForTraceAsync(traceId, merchantSpanId, ["gateway", "risk", "ledger"]);

        Assert.Equal(traceId, trace.TraceId);
        Assert.All(trace.Spans, span => Assert.Equal(traceId, span.TraceId));
        var root = trace.Spans[0];
        Assert.Equal(("gateway", "Server", 0, merchantSpanId), (root.Resource, root.Kind, root.Depth, root.ParentSpanId));
        var waterfall = string.Join(Environment.NewLine, trace.Spans.Select(s => $"{new string(' ', 2 * (s.Depth ?? 0))}{s.Resource} {s.Kind} {s.Name} {string.Join(" ", s.Attributes.Where(a => a.Key is "http.route" or "url.path" or "url.full" or "http.response.status_code").Select(a => $"{a.Key}={a.Value}"))}"));
        output.WriteLine(waterfall);
        foreach (var service in new[] { "risk", "ledger" })
        {
            // The service's server spans hang under gateway client spans of the same trace.
            var servers = trace.Spans.Where(s => s.Resource == service && s.Kind == "Server").ToList();
            Assert.True(servers.Count > 0, $"no {service} server span in:{Environment.NewLine}{waterfall}");
            foreach (var server in servers)
            {
                var caller = trace.Spans.SingleOrDefault(s => s.SpanId == server.ParentSpanId);
                Assert.True(caller is { Resource: "gateway", Kind: "Client" }, $"{service}'s server span {server.SpanId} is not under a gateway client span:{Environment.NewLine}{waterfall}");
            }
        }
        var found = await fixture.Telemetry.GetFromJsonAsync<TelemetryPage<TraceSummaryDto>>($"/api/telemetry/traces?resource=ledger&traceId={traceId}", Json);
        Assert.Equal(traceId, Assert.Single(found!.Items).TraceId);

        var logs = await WaitForLogsAsync(traceId);
        Assert.All(logs, log => Assert.Contains(trace.Spans, span => span.SpanId == log.SpanId));
    }

    /// <summary>
    /// Polls the trace until every named service has sent spans and every span's parent has arrived
    /// (services export on their own schedules, a parent after its children), saying on time-out what was there.
    /// </summary>
    private async Task<TraceDetailDto> WaitForTraceAsync(string traceId, string rootParentSpanId, string[] services)
    {
        var deadline = Stopwatch.StartNew();
        TraceDetailDto? trace = null;
        while (deadline.Elapsed < Timeout)
        {
            using var response = await fixture.Telemetry.GetAsync($"/api/telemetry/traces/{traceId}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                trace = await response.Content.ReadFromJsonAsync<TraceDetailDto>(Json);
                var spanIds = trace!.Spans.Select(s => s.SpanId).Append(rootParentSpanId).ToHashSet();
                if (services.All(s => trace.Resources.Any(r => r.Resource == s)) && trace.Spans.All(s => spanIds.Contains(s.ParentSpanId!)))
                {
                    return trace!;
                }
            }
            await Task.Delay(200);
        }
        var arrived = trace is null ? "no span of it at all" : string.Join(", ", trace.Spans.Select(s => $"{s.Resource}:{s.Kind}:{s.Name}"));
        throw new TimeoutException($"Trace {traceId} did not get spans from {string.Join(", ", services)}, each with its parent, within {Timeout.TotalSeconds} s; arrived: {arrived}.");
    }

    private async Task<IReadOnlyList<LogEntryDto>> WaitForLogsAsync(string traceId)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < Timeout)
        {
            var logs = await fixture.Telemetry.GetFromJsonAsync<TelemetryPage<LogEntryDto>>($"/api/telemetry/logs?traceId={traceId}", Json);
            if (logs!.Items.Count > 0)
            {
                return logs.Items;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"No log entry linked to trace {traceId} arrived within {Timeout.TotalSeconds} s.");
    }
}
