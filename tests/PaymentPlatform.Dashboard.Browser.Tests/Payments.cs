using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Hosting.Testing;

namespace PaymentPlatform.Dashboard.Browser.Tests;

/// <summary>A merchant of the tests' own: its id and its secret API key (<c>sk_test_...</c>).</summary>
public sealed record TestMerchant(string Id, string SecretKey);

/// <summary>
/// Everything these tests do with the gateway's public API, in one place: when the API changes,
/// only this file changes.
/// </summary>
public static class Payments
{
    /// <summary>A fresh test-mode merchant, made through the admin API with the AppHost's <c>gateway-admin-key</c>.</summary>
    public static async Task<TestMerchant> NewMerchantAsync(DistributedApplication app)
    {
        var adminKey = await ((ParameterResource)app.Model.Find("gateway-admin-key")).GetValueAsync();
        using var gateway = app.CreateHttpClient("gateway");
        gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        using var response = await gateway.PostAsJsonAsync("/v1/merchants", new { name = "Dashboard browser test" });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /v1/merchants answered {(int)response.StatusCode}: {body}");
        var merchant = JsonDocument.Parse(body).RootElement;
        return new TestMerchant(merchant.GetProperty("id").GetString()!, merchant.GetProperty("secret_key").GetString()!);
    }

    /// <summary>
    /// Creates a card payment (manual capture) that succeeds, under the caller's trace id (sent as
    /// a W3C traceparent, as a merchant's instrumented client would), and returns its id.
    /// </summary>
    public static async Task<string> CreateAsync(DistributedApplication app, TestMerchant merchant, string traceId)
    {
        using var gateway = app.CreateHttpClient("gateway");
        gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", merchant.SecretKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/payments")
        {
            Content = JsonContent.Create(new
            {
                amount = 2500,
                currency = "usd",
                capture_method = "manual",
                payment_method = new { type = "card", card = new { number = NewCardNumber(), exp_month = 12, exp_year = 2030, cvc = "123" } },
            }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{RandomNumberGenerator.GetHexString(16, lowercase: true)}-01");
        using var response = await gateway.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /v1/payments answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>
    /// A Visa test card (BIN 424242) with random digits and a valid Luhn check digit: each payment has a
    /// card of its own, so risk's per-card velocity rules never turn a later test's payment into a review.
    /// </summary>
    private static string NewCardNumber()
    {
        var digits = "424242" + RandomNumberGenerator.GetString("0123456789", 9);
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            // From the right, with the check digit still to be appended: every other digit doubled, starting with the last.
            var digit = digits[^(i + 1)] - '0';
            sum += i % 2 == 1 ? digit : digit * 2 > 9 ? (digit * 2) - 9 : digit * 2;
        }
        return digits + (char)('0' + ((10 - (sum % 10)) % 10));
    }
}
