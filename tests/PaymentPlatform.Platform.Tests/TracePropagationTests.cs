using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using PaymentPlatform.Hosting.Testing;
using PaymentPlatform.Otlp.Trace.V1;

namespace PaymentPlatform.Platform.Tests;

/// <summary>
/// ServiceDefaults' telemetry through the real host: a payment's trace crosses the gateway,
/// risk and the ledger, exported over OTLP/HTTP exactly as to the dashboard, and decoded here.
/// </summary>
[Collection(PlatformCollection.Name)]
public class TracePropagationTests(PlatformFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task APaymentsTraceCrossesTheGatewayRiskAndLedgerWithOneTraceId()
    {
        var traceId = RandomNumberGenerator.GetHexString(32, lowercase: true);
        using var merchant = await fixture.App.CreateMerchantAsync();
        var client = merchant.Client;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/payments")
        {
            Content = JsonContent.Create(new
            {
                amount = 1500,
                currency = "usd",
                capture_method = "manual",
                payment_method = new { type = "card", card = new { number = Probes.NewCardNumber(), exp_month = 12, exp_year = 2030, cvc = "123" } },
            }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{RandomNumberGenerator.GetHexString(16, lowercase: true)}-01");

        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        // gateway server -> gateway client -> risk server, and the ledger's server span: each is
        // exported when it ends, so wait for all of them.
        (CollectedSpan RiskServer, CollectedSpan GatewayClient, CollectedSpan GatewayServer)? chain = null;
        var deadline = DateTime.UtcNow + Timeout;
        while (chain is null && DateTime.UtcNow < deadline)
        {
            var current = fixture.Telemetry.Spans.Where(s => s.TraceId == traceId).ToList();
            chain = current.Any(s => s.Service == "ledger" && s.Span.Kind == Span.Types.SpanKind.Server) ? FindChain(current) : null;
            if (chain is null)
            {
                await Task.Delay(100);
            }
        }
        var spans = fixture.Telemetry.Spans.Where(s => s.TraceId == traceId).ToList();
        Assert.True(chain is not null,
            $"no gateway-server -> gateway-client -> risk-server chain (and ledger server span) arrived within {Timeout} for trace {traceId}; spans of that trace: " +
            string.Join(", ", spans.Select(s => $"{s.Service}:{s.Span.Kind}:{s.Span.Name}:{s.SpanId}<-{s.ParentSpanId}")));
        Assert.Contains(spans, s => s.Service == "ledger" && s.Span.Kind == Span.Types.SpanKind.Server);
        // Server spans are named by method and route template, with the semantic-convention attributes.
        var (riskServer, _, gatewayServer) = chain!.Value;
        Assert.Equal("POST /v1/payments", gatewayServer.Span.Name);
        Assert.Equal("POST /v1/score", riskServer.Span.Name);
        Assert.Contains(gatewayServer.Span.Attributes, a => a.Key == "http.route" && a.Value.StringValue == "/v1/payments");
        Assert.Contains(gatewayServer.Span.Attributes, a => a.Key == "http.response.status_code" && a.Value.IntValue == 201);
        Assert.All(spans, s => Assert.Equal(traceId, s.TraceId));
    }

    private static (CollectedSpan, CollectedSpan, CollectedSpan)? FindChain(List<CollectedSpan> spans)
    {
        foreach (var riskServer in spans.Where(s => s.Service == "risk" && s.Span.Kind == Span.Types.SpanKind.Server))
        {
            var client = spans.FirstOrDefault(s => s.SpanId == riskServer.ParentSpanId && s.Service == "gateway" && s.Span.Kind == Span.Types.SpanKind.Client);
            var server = client is null ? null : spans.FirstOrDefault(s => s.SpanId == client.ParentSpanId && s.Service == "gateway" && s.Span.Kind == Span.Types.SpanKind.Server);
            if (server is not null)
            {
                return (riskServer, client!, server);
            }
        }
        return null;
    }
}
