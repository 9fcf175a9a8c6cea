using System.Net.Http.Json;
using System.Text;
using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.Testing;

namespace PaymentPlatform.Platform.Tests.Gateway;

/// <summary>The requests the gateway tests send, kept in one place.</summary>
internal static class GatewayRequests
{
    public static object Card(string? number = null) =>
        new { type = "card", card = new { number = number ?? Probes.NewCardNumber(), exp_month = 12, exp_year = 2030, cvc = "123" } };

    /// <summary>
    /// A card payment; by default on a card of its own (a fresh Visa number), because risk's velocity rules count
    /// attempts per card across the whole platform, as they would in production.
    /// </summary>
    public static object Payment(long amount = 1000, string captureMethod = "manual", string? card = null, string currency = "usd") =>
        new { amount, currency, capture_method = captureMethod, payment_method = Card(card) };

    public static async Task<HttpResponseMessage> PostAsync(this HttpClient client, string path, object? body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = body is null ? null : JsonContent.Create(body),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return await client.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string path, string body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return await client.SendAsync(request);
    }

    /// <summary>A payment in <c>requires_capture</c> (manual capture), or succeeded (automatic); returns its id.</summary>
    public static async Task<string> NewPaymentAsync(this TestMerchant merchant, long amount = 1000, string captureMethod = "manual")
    {
        var payment = await (await merchant.Client.PostAsync("/v1/payments", Payment(amount, captureMethod))).ExpectAsync(System.Net.HttpStatusCode.Created);
        return payment.GetProperty("id").GetString()!;
    }

    public static async Task<long> CountAsync(this DistributedApplication app, string sql, params object[] parameters)
    {
        var paymentsDb = await app.GetConnectionStringAsync("paymentsdb") ?? throw new InvalidOperationException("paymentsdb has no connection string.");
        return Convert.ToInt64(Assert.Single(await Probes.QueryAsync(paymentsDb, sql, parameters))[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
