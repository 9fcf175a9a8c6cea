namespace PaymentPlatform.Gateway.Payments;

/// <summary>
/// A merchant's fee on each capture: a percentage in basis points plus a fixed amount, the
/// percentage rounded half-up to the minor unit, never more than the amount captured
/// (contracts.md, "Money in the ledger"). A pure function; per-merchant rules arrive with merchants.
/// </summary>
public sealed record FeeRule(int BasisPoints, long FixedMinorUnits)
{
    /// <summary>The platform's default: 2.9 % + 30 minor units.</summary>
    public static readonly FeeRule Default = new(290, 30);

    public long FeeFor(long captured)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(captured);
        // captured * bp / 10,000, rounded half-up, in integers (no floating point near money).
        // captured is at most 99,999,999 (8 digits), so the product cannot overflow a long.
        var percentage = (captured * BasisPoints + 5_000) / 10_000;
        return Math.Min(captured, percentage + FixedMinorUnits);
    }
}
