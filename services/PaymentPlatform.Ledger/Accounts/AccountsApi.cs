using Microsoft.AspNetCore.Http.HttpResults;
using PaymentPlatform.ServiceDefaults.Http;
using PaymentPlatform.ServiceDefaults;
using PaymentPlatform.Ledger.Transfers;
using System.Globalization;

namespace PaymentPlatform.Ledger.Accounts;

internal static class AccountsApi
{
    public static RouteGroupBuilder MapAccountsApi(this RouteGroupBuilder v1)
    {
        v1.MapPost("/accounts", CreateAccount);
        v1.MapGet("/accounts/{id}", GetAccount);
        v1.MapGet("/accounts/{id}/balance", GetBalance);
        return v1;
    }

    public static async Task<Results<Created<AccountResponse>, Ok<AccountResponse>, ProblemHttpResult>> CreateAccount(
        HttpRequest request, AccountStore accounts, CancellationToken cancellationToken)
    {
        var (body, invalid) = await RequestBody.ReadAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        var (create, wrongType) = RequestBody.Convert<CreateAccountRequest>(body, request);
        if (wrongType is not null)
        {
            return wrongType;
        }
        if (create!.Validate().Problem() is { } problem)
        {
            return problem;
        }

        var flags = create.Flags ?? new AccountFlags();
        var (account, created) = await accounts.CreateAsync(create.Id!, create.Ledger!, create.Code!, flags, cancellationToken);
        if (created)
        {
            return TypedResults.Created($"/v1/accounts/{Uri.EscapeDataString(account.Id)}", account.ToResponse("created"));
        }
        var same = account.Ledger == create.Ledger && account.Code == create.Code
            && account.DebitsMustNotExceedCredits == flags.DebitsMustNotExceedCredits
            && account.CreditsMustNotExceedDebits == flags.CreditsMustNotExceedDebits;
        return same
            ? TypedResults.Ok(account.ToResponse("exists"))
            : Problems.Conflict("account_exists_with_different_fields", $"Account {account.Id} exists with a different ledger, code or flags.");
    }

    public static async Task<Results<Ok<AccountResponse>, ProblemHttpResult>> GetAccount(
        string id, AccountStore accounts, CancellationToken cancellationToken) =>
        await accounts.FindAsync(id, cancellationToken) is { } account
            ? TypedResults.Ok(account.ToResponse())
            : Problems.NotFound("account_not_found", $"No account {id}.");

    /// <summary>The balances at <c>as_of</c> (ISO 8601 with an offset; now when absent), recomputed from the transfers.</summary>
    public static async Task<Results<Ok<BalanceResponse>, ProblemHttpResult>> GetBalance(
        string id, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "as_of")] string? asOf, TransferStore transfers, CancellationToken cancellationToken)
    {
        DateTimeOffset? at = null;
        if (asOf is not null)
        {
            if (!DateTimeOffset.TryParse(asOf, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                return RequestBody.Invalid("as_of must be an ISO 8601 time, e.g. 2026-01-31T23:59:59Z.");
            }
            at = parsed;
        }
        return await transfers.BalanceAsOfAsync(id, at, cancellationToken) is { } balance
            ? TypedResults.Ok(balance)
            : Problems.NotFound("account_not_found", $"No account {id}.");
    }
}
