using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Hosting.Testing;

namespace PaymentPlatform.Platform.Tests;

/// <summary>A merchant made for one test through the admin API, with a gateway client carrying its secret key.</summary>
public sealed record TestMerchant(string Id, string SecretKey, HttpClient Client) : IDisposable
{
    public void Dispose() => Client.Dispose();
}

/// <summary>Creates merchants through the gateway's admin API (the admin key is the AppHost's <c>gateway-admin-key</c>).</summary>
public static class TestMerchants
{
    public static async Task<string> AdminKeyAsync(this DistributedApplication app) =>
        await ((ParameterResource)app.Model.Find("gateway-admin-key")).GetValueAsync()
        ?? throw new InvalidOperationException("The gateway-admin-key parameter has no value.");

    /// <summary>A gateway client carrying the admin key.</summary>
    public static async Task<HttpClient> CreateAdminClientAsync(this DistributedApplication app)
    {
        var client = app.CreateHttpClient("gateway");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await app.AdminKeyAsync());
        return client;
    }

    /// <summary>A new merchant (test mode) and a gateway client with its key; a high rate limit unless one is given.</summary>
    public static async Task<TestMerchant> CreateMerchantAsync(this DistributedApplication app, int requestsPerSecond = 1000, int? burst = null)
    {
        using var admin = await app.CreateAdminClientAsync();
        using var response = await admin.PostAsJsonAsync(new Uri("/v1/merchants", UriKind.Relative), new
        {
            name = "Test merchant",
            rate_limit = new { requests_per_second = requestsPerSecond, burst = burst ?? requestsPerSecond * 2 },
        });
        var merchant = await response.ExpectAsync(HttpStatusCode.Created);
        var key = merchant.GetProperty("secret_key").GetString()!;
        var client = app.CreateHttpClient("gateway");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return new TestMerchant(merchant.GetProperty("id").GetString()!, key, client);
    }
}
