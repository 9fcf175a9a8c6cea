using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;

namespace PaymentPlatform.Ledger.Tests;

public class BatchTests(LedgerFixture fixture, ITestOutputHelper output) : IClassFixture<LedgerFixture>
{
    [Fact]
    public async Task ABatchGetsAResultPerItemInOrder()
    {
        using var ledger = fixture.CreateClient();
        var (clearing, pending, available) = await ledger.CreateMerchantAsync();
        var first = LedgerCalls.NewId("t");

        var batch = await (await ledger.PostJsonAsync("/v1/transfers", new object[]
        {
            LedgerCalls.Transfer(first, clearing, pending, 300),
            LedgerCalls.Transfer(first, clearing, pending, 300),
            LedgerCalls.Transfer(LedgerCalls.NewId("t"), pending, available, 300),
            LedgerCalls.Transfer(LedgerCalls.NewId("t"), available, clearing, 301),
            new { id = "x" },
        })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(["created", "exists", "created", "exceeds_credits", "invalid_request"], LedgerCalls.Results(batch));
        Assert.Equal([201, 200, 201, 422, 400], batch.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("status").GetInt32()));
        Assert.Equal([0, 1, 2, 3, 4], batch.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("index").GetInt32()));
        Assert.Equal((0L, 0L, 0L, 300L), await ledger.BalancesAsync(available));
    }

    [Fact]
    public async Task ALinkedChainWithAFailingMemberFailsAsAWholeAndEachMemberSaysWhy()
    {
        using var ledger = fixture.CreateClient();
        var (clearing, pending, available) = await ledger.CreateMerchantAsync();
        var ids = Enumerable.Range(0, 5).Select(_ => LedgerCalls.NewId("t")).ToArray();

        var batch = await (await ledger.PostJsonAsync("/v1/transfers", new object[]
        {
            LedgerCalls.Transfer(ids[0], clearing, pending, 100),
            LedgerCalls.Transfer(ids[1], clearing, pending, 500, linked: true),
            LedgerCalls.Transfer(ids[2], pending, available, 500, linked: true),
            LedgerCalls.Transfer(ids[3], available, clearing, 501),
            LedgerCalls.Transfer(ids[4], clearing, pending, 7),
        })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(["created", "linked_event_failed", "linked_event_failed", "exceeds_credits", "created"], LedgerCalls.Results(batch));
        Assert.Contains(ids[3], batch.GetProperty("results")[1].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal((0L, 0L, 0L, 107L), await ledger.BalancesAsync(pending));
        Assert.Equal((0L, 0L, 0L, 0L), await ledger.BalancesAsync(available));
        foreach (var id in ids[1..4])
        {
            Assert.Equal(HttpStatusCode.NotFound, (await ledger.GetAsync($"/v1/transfers/{id}")).StatusCode);
        }
    }

    [Fact]
    public async Task ALinkedChainSucceedsTogetherAndEachMemberSeesTheBalancesLeftByThePreviousOne()
    {
        using var ledger = fixture.CreateClient();
        var (clearing, pending, available) = await ledger.CreateMerchantAsync();
        var hold = LedgerCalls.NewId("pay") + ":auth";

        var batch = await (await ledger.PostJsonAsync("/v1/transfers", new object[]
        {
            LedgerCalls.Transfer(hold, clearing, pending, 1000, pending: true, linked: true),
            new { id = hold + ":post", pending_id = hold, post_pending = true, amount = 800, linked = true },
            LedgerCalls.Transfer(LedgerCalls.NewId("t"), pending, available, 800, linked: true),
            LedgerCalls.Transfer(LedgerCalls.NewId("t"), available, clearing, 800),
        })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(["created", "created", "created", "created"], LedgerCalls.Results(batch));
        Assert.All(batch.GetProperty("results").EnumerateArray().SkipLast(1), r => Assert.True(r.GetProperty("transfer").GetProperty("linked").GetBoolean()));
        Assert.Equal((0L, 800L, 0L, 800L), await ledger.BalancesAsync(available));
        Assert.Equal((0L, 800L, 0L, 800L), await ledger.BalancesAsync(clearing));
        await ledger.ReconcileAsync();
    }

    [Fact]
    public async Task AnInvalidOrUnresolvableMemberFailsItsChainAndAnOpenChainFails()
    {
        using var ledger = fixture.CreateClient();
        var (clearing, pending, _) = await ledger.CreateMerchantAsync();

        var batch = await (await ledger.PostJsonAsync("/v1/transfers", new object[]
        {
            LedgerCalls.Transfer(LedgerCalls.NewId("t"), clearing, pending, 5, linked: true),
            new { id = "bad", amount = -1, linked = true },
            LedgerCalls.Transfer(LedgerCalls.NewId("t"), clearing, pending, 5),
            LedgerCalls.Transfer(LedgerCalls.NewId("t"), clearing, pending, 5, linked: true),
            new { id = LedgerCalls.NewId("t"), pending_id = "pay_none:auth", void_pending = true },
            LedgerCalls.Transfer(LedgerCalls.NewId("t"), clearing, pending, 5, linked: true),
            LedgerCalls.Transfer(LedgerCalls.NewId("t"), clearing, pending, 5, linked: true),
        })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(
            ["linked_event_failed", "invalid_request", "linked_event_failed", "linked_event_failed", "pending_transfer_not_found", "linked_event_failed", "linked_event_chain_open"],
            LedgerCalls.Results(batch));
        Assert.Equal((0L, 0L, 0L, 0L), await ledger.BalancesAsync(pending));
    }

    [Fact]
    public async Task ABatchOfTheMaximumSizeGetsAResultPerItemAndALargerOneIsRefused()
    {
        using var ledger = fixture.CreateClient();
        var (clearing, pending, _) = await ledger.CreateMerchantAsync();
        var batchId = LedgerCalls.NewId("b");
        var items = Enumerable.Range(0, 8190).Select(i => LedgerCalls.Transfer($"{batchId}:{i}", clearing, pending, 1)).ToArray();

        var watch = Stopwatch.StartNew();
        var batch = await (await ledger.PostJsonAsync("/v1/transfers", items)).ExpectAsync(HttpStatusCode.OK);
        var first = watch.Elapsed;
        watch.Restart();
        var retried = await (await ledger.PostJsonAsync("/v1/transfers", items)).ExpectAsync(HttpStatusCode.OK);
        output.WriteLine($"8,190 transfers: created in {first.TotalMilliseconds:F0} ms ({8190 / first.TotalSeconds:F0}/s), retried (all exist) in {watch.Elapsed.TotalMilliseconds:F0} ms.");

        Assert.Equal(8190, batch.GetProperty("results").GetArrayLength());
        Assert.All(LedgerCalls.Results(batch), r => Assert.Equal("created", r));
        Assert.All(LedgerCalls.Results(retried), r => Assert.Equal("exists", r));
        Assert.Equal((0L, 0L, 0L, 8190L), await ledger.BalancesAsync(pending));
        var tooMany = Enumerable.Range(0, 8191).Select(i => LedgerCalls.Transfer($"{batchId}:x{i}", clearing, pending, 1)).ToArray();
        await (await ledger.PostJsonAsync("/v1/transfers", tooMany)).ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        await (await ledger.PostJsonAsync("/v1/transfers", Array.Empty<object>())).ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task ASingleTransferCannotBeLinked()
    {
        using var ledger = fixture.CreateClient();
        var (clearing, pending, _) = await ledger.CreateMerchantAsync();

        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(LedgerCalls.NewId("t"), clearing, pending, 5, linked: true)))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
    }
}
