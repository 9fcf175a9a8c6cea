using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using PaymentPlatform.Gateway.Downstream;
using PaymentPlatform.Gateway.Infrastructure;
using PaymentPlatform.Gateway.Merchants;
using PaymentPlatform.Gateway.Payments;
using PaymentPlatform.Gateway.RateLimiting;
using PaymentPlatform.ServiceDefaults;

namespace Microsoft.AspNetCore.Builder;

/// <summary><c>GET /v1/balance</c>: the merchant's available and pending amounts per currency, read from the ledger.</summary>
public static class BalanceApi
{
    public static IEndpointRouteBuilder MapBalanceApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/v1/balance", GetBalance).RequireMerchant().RequireMerchantRateLimit().WithProblems(503);
        return app;
    }

    /// <summary>
    /// For each currency the merchant has taken payments in: <c>available</c> is its available account's posted
    /// balance less refunds in flight; <c>pending</c> is what its pending account holds, authorized or captured and
    /// not yet moved on (contracts.md, "Money in the ledger").
    /// </summary>
    internal static async Task<Results<Ok<BalanceResponse>, ProblemHttpResult>> GetBalance(
        HttpContext http, NpgsqlDataSource dataSource, LedgerClient ledger, CancellationToken cancellationToken)
    {
        var merchant = http.GetMerchant();
        var currencies = new List<string>();
        await using (var command = dataSource.CreateCommand("SELECT DISTINCT currency FROM payments WHERE merchant_id = $1 ORDER BY currency"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = merchant.MerchantId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                currencies.Add(reader.GetString(0));
            }
        }
        try
        {
            var balances = await Task.WhenAll(currencies.Select(async currency =>
            {
                var available = await ledger.GetAccountAsync(LedgerAccounts.MerchantAvailable(merchant.MerchantId, currency), cancellationToken);
                var pending = await ledger.GetAccountAsync(LedgerAccounts.MerchantPending(merchant.MerchantId, currency), cancellationToken);
                return (
                    Available: new BalanceAmount(available is null ? 0 : available.CreditsPosted - available.DebitsPosted - available.DebitsPending, currency),
                    Pending: new BalanceAmount(pending is null ? 0 : pending.CreditsPosted + pending.CreditsPending - pending.DebitsPosted - pending.DebitsPending, currency));
            }));
            return TypedResults.Ok(new BalanceResponse("balance", merchant.Livemode, [.. balances.Select(b => b.Available)], [.. balances.Select(b => b.Pending)]));
        }
        catch (DownstreamException ex)
        {
            return Problems.ServiceUnavailable("ledger_unavailable", $"The ledger did not answer; retry. ({ex.Service})");
        }
    }
}
