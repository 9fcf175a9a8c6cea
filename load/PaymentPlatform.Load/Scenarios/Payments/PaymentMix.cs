namespace PaymentPlatform.Load.Scenarios.Payments;

/// <summary>What one scheduled payment does; a pure function of its index, so runs are repeatable.</summary>
/// <remarks><see cref="Copies"/> is how many times the create is sent at once with the same key: 1, or 2-5 in a retry storm.</remarks>
public sealed record PaymentPlan(int Merchant, int Card, bool Declines, bool ManualCapture, bool Refund, bool Retry, long Amount, int Copies = 1);

/// <summary>
/// The payments-200 mix: about 8% declined, 60% authorised for manual capture then captured, the
/// rest captured automatically; 10% of succeeded payments partly refunded; 5% retried with the
/// same key (which must answer the same payment). With <paramref name="Storm"/> (retry-storm), every
/// create is sent 2-5 times at once with its key instead, and none is retried later.
/// </summary>
public sealed record PaymentMix(int Merchants, int Cards, double DeclineShare = 0.08, double ManualShare = 0.6, double RefundShare = 0.10, double RetryShare = 0.05, bool Storm = false)
{
    public const int MinStormCopies = 2;
    public const int MaxStormCopies = 5;

    public PaymentPlan For(long index)
    {
        var random = new Random(unchecked((int)Mix(index)));
        return new PaymentPlan(
            Merchant: (int)(index % Merchants),
            Card: random.Next(Cards),
            Declines: random.NextDouble() < DeclineShare,
            ManualCapture: random.NextDouble() < ManualShare,
            Refund: random.NextDouble() < RefundShare,
            Retry: random.NextDouble() < RetryShare && !Storm,
            Amount: 500 + random.Next(20) * 250,
            Copies: Storm ? random.Next(MinStormCopies, MaxStormCopies + 1) : 1);
    }

    /// <summary>SplitMix64's finaliser: neighbouring indexes get unrelated seeds.</summary>
    private static ulong Mix(long index)
    {
        var z = (ulong)index + 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
