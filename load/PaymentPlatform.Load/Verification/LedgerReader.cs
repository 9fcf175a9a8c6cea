using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace PaymentPlatform.Load.Verification;

/// <summary>
/// The few routes of the ledger's internal API the verification reads (contracts.md, "Internal APIs"),
/// with the platform's internal token: an account's balances, its transfers, and a reconciliation run.
/// </summary>
public sealed class LedgerReader : IDisposable
{
    private const int PageSize = 500;
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly HttpClient _http;

    public LedgerReader(Uri baseAddress, string internalToken)
    {
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", internalToken);
    }

    public static string MerchantPending(string merchantId, string currency) => $"merchant:{merchantId}:{currency}:pending";

    public static string MerchantAvailable(string merchantId, string currency) => $"merchant:{merchantId}:{currency}:available";

    public static string CustomerClearing(string currency) => $"platform:{currency}:customer_clearing";

    public static string Fees(string currency) => $"platform:{currency}:fees";

    /// <summary>The account with its balances; null when it was never created (a merchant with no authorised payment).</summary>
    public async Task<LedgerAccount?> GetAccountAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri($"v1/accounts/{Uri.EscapeDataString(id)}", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
        await EnsureAsync(response, $"GET /v1/accounts/{id}", cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<LedgerAccount>(Json, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every transfer of the account, oldest first, following the cursor; empty when the account does not exist.</summary>
    public async Task<IReadOnlyList<LedgerTransfer>> ListTransfersAsync(string accountId, CancellationToken cancellationToken)
    {
        var transfers = new List<LedgerTransfer>();
        string? cursor = null;
        while (true)
        {
            var path = $"v1/accounts/{Uri.EscapeDataString(accountId)}/transfers?limit={PageSize}{(cursor is null ? "" : $"&cursor={cursor}")}";
            using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return transfers;
            }
            await EnsureAsync(response, $"GET /v1/accounts/{accountId}/transfers", cancellationToken).ConfigureAwait(false);
            var page = (await response.Content.ReadFromJsonAsync<LedgerTransferPage>(Json, cancellationToken).ConfigureAwait(false))!;
            transfers.AddRange(page.Data);
            if (!page.HasMore || page.NextCursor is null)
            {
                return transfers;
            }
            cursor = page.NextCursor;
        }
    }

    /// <summary>Runs the ledger's reconciliation now and answers what it found.</summary>
    public async Task<LedgerReconciliation> ReconcileAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri("v1/reconciliation", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, "GET /v1/reconciliation", cancellationToken).ConfigureAwait(false);
        return (await response.Content.ReadFromJsonAsync<LedgerReconciliation>(Json, cancellationToken).ConfigureAwait(false))!;
    }

    public void Dispose() => _http.Dispose();

    private static async Task EnsureAsync(HttpResponseMessage response, string call, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpRequestException($"{call} answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 300)]}");
        }
    }
}

public sealed record LedgerAccount(string Id, long DebitsPending, long DebitsPosted, long CreditsPending, long CreditsPosted);

/// <summary>A transfer; <c>kind</c> is single_phase, pending (a hold), post_pending, void_pending or expire_pending.</summary>
public sealed record LedgerTransfer(string Id, string DebitAccountId, string CreditAccountId, long Amount, string Kind, string? PendingId);

public sealed record LedgerTransferPage(IReadOnlyList<LedgerTransfer> Data, bool HasMore, string? NextCursor);

public sealed record LedgerTotals(string Ledger, long DebitsPending, long DebitsPosted, long CreditsPending, long CreditsPosted, bool Balanced);

public sealed record LedgerReconciliation(
    bool Balanced,
    IReadOnlyList<LedgerTotals> Ledgers,
    int AccountsChecked,
    IReadOnlyList<string> MismatchedAccounts,
    long TransfersChecked,
    long TransfersCheckedInTotal,
    IReadOnlyList<string> HoldsResolvedTwice,
    IReadOnlyList<string> NegativePending);
