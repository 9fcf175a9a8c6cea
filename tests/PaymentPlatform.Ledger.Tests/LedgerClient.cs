using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace PaymentPlatform.Ledger.Tests;

/// <summary>Calls to the ledger's internal API and the checks every test makes on the answers.</summary>
public static class LedgerCalls
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static string NewId(string prefix) => $"{prefix}_{Guid.NewGuid():N}";

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body) =>
        client.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, Json);

    public static Task<HttpResponseMessage> PostEmptyAsync(this HttpClient client, string path) =>
        client.PostAsync(new Uri(path, UriKind.Relative), null);

    public static Task<HttpResponseMessage> GetAsync(this HttpClient client, string path) =>
        client.GetAsync(new Uri(path, UriKind.Relative));

    /// <summary>The JSON of a response that must have the given status; otherwise fails showing the body.</summary>
    public static async Task<JsonElement> ExpectAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, not {(int)status}: {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    /// <summary>Asserts a problem+json answer with the platform's type for the code.</summary>
    public static async Task<JsonElement> ExpectProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var problem = await response.ExpectAsync(status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"https://paymentplatform.dev/problems/{code}", problem.GetProperty("type").GetString());
        Assert.Equal(code, problem.GetProperty("code").GetString());
        return problem;
    }

    public static object Transfer(string id, string debit, string credit, long amount, bool pending = false, int? timeoutSeconds = null, bool linked = false, string ledger = "usd") => new
    {
        id,
        debit_account_id = debit,
        credit_account_id = credit,
        amount,
        ledger,
        pending,
        timeout_seconds = timeoutSeconds,
        linked,
    };

    public static async Task<string> CreateAccountAsync(this HttpClient ledger, string code, bool debitsMustNotExceedCredits = false, bool creditsMustNotExceedDebits = false, string currency = "usd", string? id = null)
    {
        id ??= NewId(code);
        var flags = new { debits_must_not_exceed_credits = debitsMustNotExceedCredits, credits_must_not_exceed_debits = creditsMustNotExceedDebits };
        await (await ledger.PostJsonAsync("/v1/accounts", new { id, ledger = currency, code, flags })).ExpectAsync(HttpStatusCode.Created);
        return id;
    }

    /// <summary>A merchant's accounts as the gateway creates them, and a customer clearing account of the test's own.</summary>
    public static async Task<(string Clearing, string Pending, string Available)> CreateMerchantAsync(this HttpClient ledger, string currency = "usd")
    {
        var merchant = NewId("mer");
        var clearing = await ledger.CreateAccountAsync("customer_clearing", currency: currency, id: $"platform:{merchant}:{currency}:customer_clearing");
        var pending = await ledger.CreateAccountAsync("merchant_pending", currency: currency, id: $"merchant:{merchant}:{currency}:pending");
        var available = await ledger.CreateAccountAsync("merchant_available", debitsMustNotExceedCredits: true, currency: currency, id: $"merchant:{merchant}:{currency}:available");
        return (clearing, pending, available);
    }

    public static async Task<JsonElement> AccountAsync(this HttpClient ledger, string id) =>
        await (await ledger.GetAsync($"/v1/accounts/{id}")).ExpectAsync(HttpStatusCode.OK);

    public static async Task<(long DebitsPending, long DebitsPosted, long CreditsPending, long CreditsPosted)> BalancesAsync(this HttpClient ledger, string id) =>
        Balances(await ledger.AccountAsync(id));

    public static (long DebitsPending, long DebitsPosted, long CreditsPending, long CreditsPosted) Balances(JsonElement account) => (
        account.GetProperty("debits_pending").GetInt64(), account.GetProperty("debits_posted").GetInt64(),
        account.GetProperty("credits_pending").GetInt64(), account.GetProperty("credits_posted").GetInt64());

    public static async Task<JsonElement> ReconcileAsync(this HttpClient ledger)
    {
        var reconciliation = await (await ledger.GetAsync("/v1/reconciliation")).ExpectAsync(HttpStatusCode.OK);
        Assert.True(reconciliation.GetProperty("balanced").GetBoolean(), reconciliation.ToString());
        Assert.Empty(reconciliation.GetProperty("mismatched_accounts").EnumerateArray());
        return reconciliation;
    }

    /// <summary>Polls until <paramref name="condition"/> holds; fails naming what it waited for.</summary>
    public static async Task EventuallyAsync(string what, Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(50);
        }
    }

    public static IEnumerable<string?> Results(JsonElement batch) =>
        batch.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("result").GetString());
}
