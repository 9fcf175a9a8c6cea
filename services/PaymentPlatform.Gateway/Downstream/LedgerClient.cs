using System.Collections.Concurrent;

namespace PaymentPlatform.Gateway.Downstream;

/// <summary>ledger <c>POST /v1/accounts</c> and <c>POST /v1/transfers</c> (contracts.md, "Money in the ledger").</summary>
internal sealed class LedgerClient(HttpClient http, LedgerAccountCache accounts)
{
    /// <summary>
    /// Places the authorization hold <c>{paymentId}:auth</c>, creating the accounts it needs on first use. The hold's
    /// <paramref name="timeout"/> is the ledger's safety net only: the gateway expires authorizations itself.
    /// </summary>
    public async Task<LedgerTransferResult> PlaceHoldAsync(
        string paymentId, string merchantId, long amount, string currency, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clearing = LedgerAccounts.CustomerClearing(currency);
        var pending = LedgerAccounts.MerchantPending(merchantId, currency);
        await EnsureAccountsAsync(
            currency,
            cancellationToken,
            (clearing, "customer_clearing", false),
            (pending, "merchant_pending", false),
            // A refund may not take a merchant's available balance below zero (contracts.md).
            (LedgerAccounts.MerchantAvailable(merchantId, currency), "merchant_available", true));

        var transferId = $"{paymentId}:auth";
        var transfer = new LedgerTransferRequest(transferId, clearing, pending, amount, currency, Pending: true, TimeoutSeconds: (int)timeout.TotalSeconds);
        return await InternalCall.PostAsync<LedgerTransferRequest, LedgerTransferResult>(http, "ledger", "v1/transfers", transfer, transferId, cancellationToken);
    }

    /// <summary>
    /// Captures <paramref name="amount"/> of the hold with <paramref name="fee"/> (ledger
    /// <c>POST /v1/payments/{p}/capture</c>, <c>Idempotency-Key: {p}:capture</c>); a retry answers <c>exists</c>.
    /// </summary>
    public Task<LedgerPostingResult> CaptureAsync(string paymentId, long amount, long fee, CancellationToken cancellationToken) =>
        InternalCall.PostAsync<LedgerCaptureRequest, LedgerPostingResult>(http, "ledger", $"v1/payments/{Uri.EscapeDataString(paymentId)}/capture",
            new LedgerCaptureRequest(amount, fee), $"{paymentId}:capture", cancellationToken);

    /// <summary>Voids the hold (<c>POST /v1/payments/{p}/cancel</c>, <c>Idempotency-Key: {p}:cancel</c>).</summary>
    public Task<LedgerPostingResult> CancelAsync(string paymentId, CancellationToken cancellationToken) =>
        InternalCall.PostAsync<object, LedgerPostingResult>(http, "ledger", $"v1/payments/{Uri.EscapeDataString(paymentId)}/cancel",
            new { }, $"{paymentId}:cancel", cancellationToken);

    /// <summary>Refunds from the merchant's available (<c>POST /v1/payments/{p}/refunds</c>, <c>Idempotency-Key: {refund_id}:refund</c>).</summary>
    public Task<LedgerPostingResult> RefundAsync(string paymentId, string refundId, long amount, CancellationToken cancellationToken) =>
        InternalCall.PostAsync<LedgerRefundRequest, LedgerPostingResult>(http, "ledger", $"v1/payments/{Uri.EscapeDataString(paymentId)}/refunds",
            new LedgerRefundRequest(refundId, amount), $"{refundId}:refund", cancellationToken);

    /// <summary>An account's balances (<c>GET /v1/accounts/{id}</c>); null when it was never created.</summary>
    public Task<LedgerAccount?> GetAccountAsync(string accountId, CancellationToken cancellationToken) =>
        InternalCall.GetAsync<LedgerAccount>(http, "ledger", $"v1/accounts/{Uri.EscapeDataString(accountId)}", cancellationToken);

    private async Task EnsureAccountsAsync(string currency, CancellationToken cancellationToken, params (string Id, string Code, bool DebitsMustNotExceedCredits)[] wanted)
    {
        var missing = wanted.Where(a => !accounts.Exists(a.Id)).ToArray();
        // Creation is idempotent on the ledger's side, so concurrent first uses may both send it.
        await Task.WhenAll(missing.Select(async a =>
        {
            var flags = new Dictionary<string, bool> { ["debits_must_not_exceed_credits"] = a.DebitsMustNotExceedCredits };
            var request = new LedgerAccountRequest(a.Id, currency, a.Code, flags);
            await InternalCall.PostAsync<LedgerAccountRequest, LedgerAccountResult>(http, "ledger", "v1/accounts", request, $"account:{a.Id}", cancellationToken);
            accounts.Remember(a.Id);
        }));
    }
}

/// <summary>The ledger account ids the gateway uses (contracts.md, "Money in the ledger").</summary>
internal static class LedgerAccounts
{
    public static string CustomerClearing(string currency) => $"platform:{currency}:customer_clearing";

    public static string MerchantPending(string merchantId, string currency) => $"merchant:{merchantId}:{currency}:pending";

    public static string MerchantAvailable(string merchantId, string currency) => $"merchant:{merchantId}:{currency}:available";
}

/// <summary>Accounts this process knows exist, so only a merchant's first payment per currency creates them.</summary>
internal sealed class LedgerAccountCache
{
    private readonly ConcurrentDictionary<string, bool> _known = new(StringComparer.Ordinal);

    public bool Exists(string accountId) => _known.ContainsKey(accountId);

    public void Remember(string accountId) => _known.TryAdd(accountId, true);
}

internal sealed record LedgerAccountRequest(string Id, string Ledger, string Code, IReadOnlyDictionary<string, bool> Flags);

internal sealed record LedgerAccountResult(string? Id, string? Result);

/// <summary>An account's four balances (TigerBeetle's model).</summary>
internal sealed record LedgerAccount(string Id, long DebitsPending, long DebitsPosted, long CreditsPending, long CreditsPosted);

internal sealed record LedgerTransferRequest(
    string Id,
    string DebitAccountId,
    string CreditAccountId,
    long Amount,
    string Ledger,
    bool Pending,
    int TimeoutSeconds);

internal sealed record LedgerTransferResult(string? Id, string? Result);

internal sealed record LedgerCaptureRequest(long Amount, long Fee);

internal sealed record LedgerRefundRequest(string RefundId, long Amount);

/// <summary>A payment posting: <c>result</c> is <c>created</c>, or <c>exists</c> on a retry.</summary>
internal sealed record LedgerPostingResult(string? PaymentId, string? Result);

/// <summary>The ledger's refusal codes the gateway acts on (services/PaymentPlatform.Ledger/README.md).</summary>
internal static class LedgerCodes
{
    public const string PendingTransferExpired = "pending_transfer_expired";
    public const string ExceedsCredits = "exceeds_credits";
}
