using Microsoft.AspNetCore.Http.HttpResults;

namespace PaymentPlatform.Ledger.Reconciliation;

internal static class ReconciliationApi
{
    public static RouteGroupBuilder MapReconciliationApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/reconciliation", Reconcile);
        return v1;
    }

    /// <summary>Runs a check now (after the one in progress, if any) and answers what it found.</summary>
    public static async Task<Ok<ReconciliationResponse>> Reconcile(Reconciler reconciler, CancellationToken cancellationToken) =>
        TypedResults.Ok((await reconciler.RunAsync(wait: true, cancellationToken))!);
}
