namespace PaymentPlatform.Load.Verification;

/// <summary>
/// What the verification needs beyond the public API: the ledger's internal API (its address and the
/// platform's internal token) and the host dashboard's telemetry API (its address and browser token).
/// The generator knows them when it started the platform; with <c>--url</c> they come from options,
/// and a check whose part is missing is reported as skipped, saying what it needs.
/// </summary>
public sealed record PlatformAccess(Uri? LedgerUrl, string? InternalToken, Uri? DashboardUrl, string? DashboardToken)
{
    public static PlatformAccess None { get; } = new(null, null, null, null);

    public bool HasLedger => LedgerUrl is not null && !string.IsNullOrEmpty(InternalToken);

    public bool HasDashboard => DashboardUrl is not null && !string.IsNullOrEmpty(DashboardToken);

    /// <summary>Why the ledger checks cannot run, for the report's "skipped" line.</summary>
    public string LedgerMissing => "skipped: needs the ledger's internal API (--ledger-url and --internal-token when the target is --url)";

    public string DashboardMissing => "skipped: needs the host dashboard's telemetry API (--dashboard-url and --dashboard-token when the target is --url)";
}
