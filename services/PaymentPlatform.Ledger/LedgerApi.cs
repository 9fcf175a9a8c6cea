using PaymentPlatform.Ledger.Accounts;
using PaymentPlatform.Ledger.Payments;
using PaymentPlatform.Ledger.Reconciliation;
using PaymentPlatform.Ledger.Transfers;

namespace PaymentPlatform.Ledger;

public static class LedgerApi
{
    /// <summary>The ledger's internal API under <c>/v1</c>, every route behind the internal token.</summary>
    public static WebApplication MapLedgerApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGroup("/v1")
            .RequireInternalToken()
            .MapAccountsApi()
            .MapTransfersApi()
            .MapPaymentPostingsApi()
            .MapReconciliationApi();
        return app;
    }
}
