using System.Net;

namespace PaymentPlatform.Ledger.Tests;

public class HoldTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    [Fact]
    public async Task APartialPostReleasesTheRestAndASecondPostAttemptIsRefused()
    {
        using var ledger = fixture.CreateClient();
        var (clearing, pending, _) = await ledger.CreateMerchantAsync();
        var hold = LedgerCalls.NewId("pay") + ":auth";
        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(hold, clearing, pending, 1000, pending: true, timeoutSeconds: 3600))).ExpectAsync(HttpStatusCode.Created);

        var posted = await (await ledger.PostJsonAsync($"/v1/transfers/{hold}/post", new { amount = 600 })).ExpectAsync(HttpStatusCode.Created);
        var retried = await (await ledger.PostJsonAsync($"/v1/transfers/{hold}/post", new { amount = 600 })).ExpectAsync(HttpStatusCode.OK);
        await (await ledger.PostJsonAsync($"/v1/transfers/{hold}/post", new { amount = 400 }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "pending_transfer_already_posted");
        await (await ledger.PostEmptyAsync($"/v1/transfers/{hold}/post"))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "pending_transfer_already_posted");

        Assert.Equal(("post_pending", 600L, hold), (posted.GetProperty("kind").GetString(), posted.GetProperty("amount").GetInt64(), posted.GetProperty("pending_id").GetString()));
        Assert.Equal("exists", retried.GetProperty("result").GetString());
        Assert.Equal((0L, 600L, 0L, 0L), await ledger.BalancesAsync(clearing));
        Assert.Equal((0L, 0L, 0L, 600L), await ledger.BalancesAsync(pending));
    }

    [Fact]
    public async Task APostCanNeverExceedTheReservedAmount()
    {
        using var ledger = fixture.CreateClient();
        var (clearing, pending, _) = await ledger.CreateMerchantAsync();
        var hold = LedgerCalls.NewId("pay") + ":auth";
        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(hold, clearing, pending, 500, pending: true))).ExpectAsync(HttpStatusCode.Created);

        await (await ledger.PostJsonAsync($"/v1/transfers/{hold}/post", new { amount = 501 }))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "exceeds_pending_amount");
        var full = await (await ledger.PostEmptyAsync($"/v1/transfers/{hold}/post")).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(500, full.GetProperty("amount").GetInt64());
        Assert.Equal((0L, 0L, 0L, 500L), await ledger.BalancesAsync(pending));
    }

    [Fact]
    public async Task APostAfterAVoidIsRefusedAsAlreadyVoided()
    {
        using var ledger = fixture.CreateClient();
        var (clearing, pending, _) = await ledger.CreateMerchantAsync();
        var hold = LedgerCalls.NewId("pay") + ":auth";
        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(hold, clearing, pending, 750, pending: true))).ExpectAsync(HttpStatusCode.Created);

        await (await ledger.PostEmptyAsync($"/v1/transfers/{hold}/void")).ExpectAsync(HttpStatusCode.Created);
        var again = await (await ledger.PostEmptyAsync($"/v1/transfers/{hold}/void")).ExpectAsync(HttpStatusCode.OK);
        await (await ledger.PostJsonAsync($"/v1/transfers/{hold}/post", new { amount = 100 }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "pending_transfer_already_voided");

        Assert.Equal("exists", again.GetProperty("result").GetString());
        Assert.Equal((0L, 0L, 0L, 0L), await ledger.BalancesAsync(pending));
        Assert.Equal((0L, 0L, 0L, 0L), await ledger.BalancesAsync(clearing));
    }

    [Fact]
    public async Task AVoidAfterAPostIsRefusedAsAlreadyPosted()
    {
        using var ledger = fixture.CreateClient();
        var (clearing, pending, _) = await ledger.CreateMerchantAsync();
        var hold = LedgerCalls.NewId("pay") + ":auth";
        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(hold, clearing, pending, 300, pending: true))).ExpectAsync(HttpStatusCode.Created);

        await (await ledger.PostEmptyAsync($"/v1/transfers/{hold}/post")).ExpectAsync(HttpStatusCode.Created);
        await (await ledger.PostEmptyAsync($"/v1/transfers/{hold}/void"))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "pending_transfer_already_posted");

        Assert.Equal((0L, 0L, 0L, 300L), await ledger.BalancesAsync(pending));
    }

    [Fact]
    public async Task AHoldReservesFundsAgainstTheDebitAccountsLimitUntilItIsVoided()
    {
        using var ledger = fixture.CreateClient();
        var source = await ledger.CreateAccountAsync("source");
        var limited = await ledger.CreateAccountAsync("wallet", debitsMustNotExceedCredits: true);
        var other = await ledger.CreateAccountAsync("other");
        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(LedgerCalls.NewId("t"), source, limited, 100))).ExpectAsync(HttpStatusCode.Created);
        var hold = LedgerCalls.NewId("h");
        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(hold, limited, other, 80, pending: true))).ExpectAsync(HttpStatusCode.Created);

        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(LedgerCalls.NewId("t"), limited, other, 21)))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "exceeds_credits");
        await (await ledger.PostEmptyAsync($"/v1/transfers/{hold}/void")).ExpectAsync(HttpStatusCode.Created);
        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(LedgerCalls.NewId("t"), limited, other, 100))).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal((0L, 100L, 0L, 100L), await ledger.BalancesAsync(limited));
    }

    [Fact]
    public async Task AHoldWhoseTimeoutPassesIsReleasedByTheLedgerItselfAndCanNoLongerBePosted()
    {
        using var ledger = fixture.CreateClient();
        var (clearing, pending, _) = await ledger.CreateMerchantAsync();
        var hold = LedgerCalls.NewId("pay") + ":auth";
        var created = await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(hold, clearing, pending, 900, pending: true, timeoutSeconds: 1)))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(created.GetProperty("created_at").GetDateTimeOffset().AddSeconds(1), created.GetProperty("timeout_at").GetDateTimeOffset());

        await LedgerCalls.EventuallyAsync("the expirer to release the hold",
            async () => (await ledger.GetAsync($"/v1/transfers/{hold}:expire")).StatusCode == HttpStatusCode.OK);

        var expiry = await (await ledger.GetAsync($"/v1/transfers/{hold}:expire")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("expire_pending", hold, 900L), (expiry.GetProperty("kind").GetString(), expiry.GetProperty("pending_id").GetString(), expiry.GetProperty("amount").GetInt64()));
        Assert.Equal((0L, 0L, 0L, 0L), await ledger.BalancesAsync(pending));
        Assert.Equal((0L, 0L, 0L, 0L), await ledger.BalancesAsync(clearing));
        await (await ledger.PostEmptyAsync($"/v1/transfers/{hold}/post")).ExpectProblemAsync(HttpStatusCode.Conflict, "pending_transfer_expired");
        await (await ledger.PostEmptyAsync($"/v1/transfers/{hold}/void")).ExpectProblemAsync(HttpStatusCode.Conflict, "pending_transfer_expired");
        await ledger.ReconcileAsync();
    }

    [Fact]
    public async Task ConcurrentPostsAndVoidsOfOneHoldResolveItExactlyOnce()
    {
        using var ledger = fixture.CreateClient();
        var (clearing, pending, _) = await ledger.CreateMerchantAsync();
        var hold = LedgerCalls.NewId("pay") + ":auth";
        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(hold, clearing, pending, 1000, pending: true))).ExpectAsync(HttpStatusCode.Created);

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => i % 2 == 0
            ? ledger.PostJsonAsync($"/v1/transfers/{hold}/post", new { amount = 400 })
            : ledger.PostEmptyAsync($"/v1/transfers/{hold}/void")));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Conflict }));
        var (_, _, creditsPending, creditsPosted) = await ledger.BalancesAsync(pending);
        Assert.Equal(0, creditsPending);
        Assert.Contains(creditsPosted, new[] { 0L, 400L });
        await ledger.ReconcileAsync();
    }
}
