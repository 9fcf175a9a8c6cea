using System.Net;

namespace PaymentPlatform.Ledger.Tests;

/// <summary>The platform's chart of accounts and postings (contracts.md, "Money in the ledger").</summary>
public class PaymentPostingsTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    [Fact]
    public async Task ACaptureWithAFeePostsTheHoldMovesItToAvailableTakesTheFeeAndReleasesTheRest()
    {
        using var ledger = fixture.CreateClient();
        var (clearing, pending, available) = await ledger.CreateMerchantAsync();
        var payment = await AuthorizeAsync(ledger, clearing, pending, 10_000);

        var capture = await (await ledger.PostJsonAsync($"/v1/payments/{payment}/capture", new { amount = 8_000, fee = 262 })).ExpectAsync(HttpStatusCode.Created);
        var retried = await (await ledger.PostJsonAsync($"/v1/payments/{payment}/capture", new { amount = 8_000, fee = 262 })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(("created", "exists"), (capture.GetProperty("result").GetString(), retried.GetProperty("result").GetString()));
        Assert.Equal([$"{payment}:auth:post", $"{payment}:capture", $"{payment}:fee"],
            capture.GetProperty("transfers").EnumerateArray().Select(t => t.GetProperty("id").GetString()));
        Assert.Equal((0L, 8_000L, 0L, 0L), await ledger.BalancesAsync(clearing));
        Assert.Equal((0L, 8_000L, 0L, 8_000L), await ledger.BalancesAsync(pending));
        Assert.Equal((0L, 262L, 0L, 8_000L), await ledger.BalancesAsync(available));
        var fees = await ledger.AccountAsync("platform:usd:fees");
        Assert.Equal("fees", fees.GetProperty("code").GetString());
        await ledger.ReconcileAsync();
    }

    [Fact]
    public async Task ACaptureOfMoreThanTheHoldIsRefusedAndWritesNothing()
    {
        using var ledger = fixture.CreateClient();
        var (clearing, pending, available) = await ledger.CreateMerchantAsync();
        var payment = await AuthorizeAsync(ledger, clearing, pending, 1_000);

        var problem = await (await ledger.PostJsonAsync($"/v1/payments/{payment}/capture", new { amount = 1_001, fee = 30 }))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "exceeds_pending_amount");

        Assert.Equal(["exceeds_pending_amount", "linked_event_failed", "linked_event_failed"],
            problem.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("result").GetString()));
        Assert.Equal((0L, 0L, 1_000L, 0L), await ledger.BalancesAsync(pending));
        Assert.Equal((0L, 0L, 0L, 0L), await ledger.BalancesAsync(available));
        await (await ledger.PostJsonAsync($"/v1/payments/{payment}/capture", new { amount = 100, fee = 101 }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        await (await ledger.PostJsonAsync("/v1/payments/pay_unknown/capture", new { amount = 100 }))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "payment_hold_not_found");
    }

    [Fact]
    public async Task ACancelVoidsTheHoldAndACaptureAfterItIsRefusedAsAlreadyVoided()
    {
        using var ledger = fixture.CreateClient();
        var (clearing, pending, _) = await ledger.CreateMerchantAsync();
        var payment = await AuthorizeAsync(ledger, clearing, pending, 2_500);

        var cancel = await (await ledger.PostEmptyAsync($"/v1/payments/{payment}/cancel")).ExpectAsync(HttpStatusCode.Created);
        await (await ledger.PostEmptyAsync($"/v1/payments/{payment}/cancel")).ExpectAsync(HttpStatusCode.OK);
        // The transfers route resolves the same hold under the same id, so mixing the two stays idempotent.
        await (await ledger.PostEmptyAsync($"/v1/transfers/{payment}:auth/void")).ExpectAsync(HttpStatusCode.OK);
        await (await ledger.PostJsonAsync($"/v1/payments/{payment}/capture", new { amount = 2_500, fee = 0 }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "pending_transfer_already_voided");

        Assert.Equal($"{payment}:auth:void", cancel.GetProperty("transfers")[0].GetProperty("id").GetString());
        Assert.Equal((0L, 0L, 0L, 0L), await ledger.BalancesAsync(pending));
        Assert.Equal((0L, 0L, 0L, 0L), await ledger.BalancesAsync(clearing));
    }

    [Fact]
    public async Task ARefundMovesAvailableBackToClearingAndIsRefusedWhenAvailableWouldGoNegative()
    {
        using var ledger = fixture.CreateClient();
        var (clearing, pending, available) = await ledger.CreateMerchantAsync();
        var payment = await AuthorizeAsync(ledger, clearing, pending, 1_000);
        await (await ledger.PostJsonAsync($"/v1/payments/{payment}/capture", new { amount = 1_000, fee = 59 })).ExpectAsync(HttpStatusCode.Created);
        var refund = LedgerCalls.NewId("re");

        var refunded = await (await ledger.PostJsonAsync($"/v1/payments/{payment}/refunds", new { refund_id = refund, amount = 900 })).ExpectAsync(HttpStatusCode.Created);
        await (await ledger.PostJsonAsync($"/v1/payments/{payment}/refunds", new { refund_id = refund, amount = 900 })).ExpectAsync(HttpStatusCode.OK);
        await (await ledger.PostJsonAsync($"/v1/payments/{payment}/refunds", new { refund_id = LedgerCalls.NewId("re"), amount = 42 }))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "exceeds_credits");
        await (await ledger.PostJsonAsync($"/v1/payments/{payment}/refunds", new { refund_id = refund, amount = 41 }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "transfer_exists_with_different_fields");
        await (await ledger.PostJsonAsync($"/v1/payments/{payment}/refunds", new { refund_id = LedgerCalls.NewId("re"), amount = 41 })).ExpectAsync(HttpStatusCode.Created);

        var transfer = refunded.GetProperty("transfers")[0];
        Assert.Equal(($"{refund}:refund", available, clearing), (transfer.GetProperty("id").GetString(), transfer.GetProperty("debit_account_id").GetString(), transfer.GetProperty("credit_account_id").GetString()));
        Assert.Equal((0L, 1_000L, 0L, 1_000L), await ledger.BalancesAsync(available));
        await ledger.ReconcileAsync();
    }

    /// <summary>The hold the gateway places: <c>{payment_id}:auth</c> from customer clearing to the merchant's pending.</summary>
    private static async Task<string> AuthorizeAsync(HttpClient ledger, string clearing, string pending, long amount)
    {
        var payment = LedgerCalls.NewId("pay");
        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(payment + ":auth", clearing, pending, amount, pending: true, timeoutSeconds: 604800)))
            .ExpectAsync(HttpStatusCode.Created);
        return payment;
    }
}
