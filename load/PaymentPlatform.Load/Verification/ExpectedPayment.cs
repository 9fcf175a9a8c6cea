using PaymentPlatform.Load.Scenarios.Payments;

namespace PaymentPlatform.Load.Verification;

/// <summary>
/// One payment as the client last knew it: its merchant (index into the run's merchants), the status it
/// was told, the amount it asked for, what it was told was refunded, and whether capture was automatic
/// (then the create's trace holds the capture too). <see cref="AnsweredLate"/>: the create's answer was
/// lost and the key asked again later, so the payment may have been finished by the gateway's completer
/// rather than by its request (its events then carry the completer's trace, not the request's).
/// </summary>
public sealed record ExpectedPayment(string Id, int Merchant, string Status, long Amount, long Refunded, bool AutomaticCapture, bool AnsweredLate = false)
{
    /// <summary>The load merchants' fee rule: they are created without one, so the platform's default, 2.9 % + 30 (contracts.md).</summary>
    public static long FeeFor(long captured) => Math.Min(captured, ((captured * 290) + 5_000) / 10_000 + 30);

    public bool Captured => Status is PaymentStatus.Succeeded or PaymentStatus.PartiallyRefunded or "refunded";

    /// <summary>
    /// The acknowledged payments of a run of <see cref="PaymentsScenario"/>: each key names its arrival
    /// (<c>{run}-pay-{index}</c>), and the mix is a pure function of the index, so the amount and the
    /// refund the client asked for are known again without having been stored.
    /// </summary>
    /// <param name="acknowledged">What the client was told.</param>
    /// <param name="mix">The run's mix.</param>
    /// <param name="lateKeys">The keys whose create answer was lost and asked again (<see cref="PaymentsScenario.Lost"/>).</param>
    public static IReadOnlyList<ExpectedPayment> From(AcknowledgedPayments acknowledged, PaymentMix mix, IEnumerable<string>? lateKeys = null)
    {
        ArgumentNullException.ThrowIfNull(acknowledged);
        ArgumentNullException.ThrowIfNull(mix);
        var late = new HashSet<string>(lateKeys ?? [], StringComparer.Ordinal);
        return [.. acknowledged.ById.Select(entry =>
        {
            var (id, told) = (entry.Key, entry.Value);
            var plan = mix.For(ArrivalIndex(told.IdempotencyKey));
            // PaymentsScenario refunds a quarter of the amount and says partially_refunded only when the refund answered.
            var refunded = told.Status == PaymentStatus.PartiallyRefunded ? plan.Amount / 4 : 0;
            return new ExpectedPayment(id, told.Merchant, told.Status, plan.Amount, refunded, !plan.ManualCapture, late.Contains(told.IdempotencyKey));
        })];
    }

    /// <summary>The arrival index at the end of a key <c>{run}-pay-{index}</c>.</summary>
    public static long ArrivalIndex(string idempotencyKey)
    {
        ArgumentNullException.ThrowIfNull(idempotencyKey);
        return long.TryParse(idempotencyKey.AsSpan(idempotencyKey.LastIndexOf('-') + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
            ? index
            : throw new ArgumentException($"'{idempotencyKey}' is not a payments scenario key ({{run}}-pay-{{index}}).", nameof(idempotencyKey));
    }
}
