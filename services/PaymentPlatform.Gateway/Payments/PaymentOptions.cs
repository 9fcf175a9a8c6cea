namespace PaymentPlatform.Gateway.Payments;

/// <summary>Payments (<c>Gateway:Payments</c>).</summary>
public sealed class PaymentOptions
{
    public const string SectionName = "Gateway:Payments";

    /// <summary>
    /// How long an uncaptured authorization lives. The gateway is authoritative: at <c>expires_at</c> it voids
    /// the hold and cancels the payment (reason <c>expired</c>). Stripe's is 7 days.
    /// </summary>
    public TimeSpan AuthorizationTtl { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The ledger's own hold timeout is the authorization's plus this: a safety net only.</summary>
    public TimeSpan LedgerHoldGrace { get; set; } = TimeSpan.FromDays(1);
}
