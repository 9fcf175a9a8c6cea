using PaymentPlatform.Ledger.Accounts;
using PaymentPlatform.Ledger.Transfers;

namespace PaymentPlatform.Ledger.Tests;

/// <summary>The batch rules as a pure function: locked balances and known transfers in, outcomes and changes out.</summary>
public class BatchPlanTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void EachItemSeesTheBalancesLeftByTheItemsBeforeIt()
    {
        var plan = new BatchPlan(Now, [Account("a", limited: true, creditsPosted: 100), Account("b")], []);

        var outcomes = BatchPlan.Run([Create("t1", "a", "b", 60), Create("t2", "a", "b", 60), Create("t3", "a", "b", 40)], plan);

        Assert.Equal(["created", "exceeds_credits", "created"], outcomes.Select(Code));
        Assert.Equal(["t1", "t3"], plan.Created.Select(t => t.Id));
        var a = Assert.Single(plan.Changed, b => b.Account.Id == "a");
        Assert.Equal(100, a.DebitsPosted);
    }

    [Fact]
    public void AFailedChainLeavesNoTraceAndTheItemsAfterItStillApply()
    {
        var plan = new BatchPlan(Now, [Account("a", limited: true, creditsPosted: 100), Account("b")], []);

        var outcomes = BatchPlan.Run([Create("t1", "a", "b", 70, linked: true), Create("t2", "a", "b", 70), Create("t3", "a", "b", 100)], plan);

        Assert.Equal(["linked_event_failed", "exceeds_credits", "created"], outcomes.Select(Code));
        Assert.Equal(["t3"], plan.Created.Select(t => t.Id));
        Assert.Equal(100, plan.Changed.Single(b => b.Account.Id == "a").DebitsPosted);
    }

    [Fact]
    public void AHoldPastItsTimeoutCanOnlyBeExpiredAndAnUnexpiredOneCannotBe()
    {
        var due = new TransferRecord(1, "h1", "a", "b", 50, "usd", TransferKinds.Pending, null, 1, Now.AddSeconds(-1), Now.AddSeconds(-2), false);
        var live = new TransferRecord(2, "h2", "a", "b", 50, "usd", TransferKinds.Pending, null, 60, Now.AddSeconds(59), Now.AddSeconds(-1), false);
        var plan = new BatchPlan(Now, [Account("a", pendingDebits: 100), Account("b", pendingCredits: 100)], [due, live]);

        var outcomes = BatchPlan.Run(
        [
            Resolve("h1:post", "h1", TransferKinds.PostPending),
            Resolve("h1:expire", "h1", TransferKinds.ExpirePending),
            Resolve("h2:expire", "h2", TransferKinds.ExpirePending),
            Resolve("h2:void", "h2", TransferKinds.VoidPending),
        ], plan);

        Assert.Equal(["pending_transfer_expired", "created", "pending_transfer_not_expired", "created"], outcomes.Select(Code));
        Assert.Equal(0, plan.Changed.Single(b => b.Account.Id == "a").DebitsPending);
    }

    private static string Code(TransferOutcome outcome) => outcome.Error?.Code ?? (outcome.Created ? "created" : "exists");

    private static AccountRecord Account(string id, bool limited = false, long creditsPosted = 0, long pendingDebits = 0, long pendingCredits = 0) =>
        new(id, "usd", "test", limited, false, pendingDebits, 0, pendingCredits, creditsPosted, Now, Now);

    private static TransferCommand Create(string id, string debit, string credit, long amount, bool linked = false) =>
        new(id, TransferKinds.SinglePhase, debit, credit, amount, "usd", null, null, linked);

    private static TransferCommand Resolve(string id, string pendingId, string kind) =>
        new(id, kind, null, null, null, null, pendingId, null, false);
}
