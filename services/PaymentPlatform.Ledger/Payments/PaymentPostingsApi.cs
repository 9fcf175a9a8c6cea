using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using PaymentPlatform.Ledger.Accounts;
using PaymentPlatform.Ledger.Transfers;
using PaymentPlatform.ServiceDefaults;
using PaymentPlatform.ServiceDefaults.Http;

namespace PaymentPlatform.Ledger.Payments;

/// <summary>
/// The platform's postings (contracts.md, "Money in the ledger") as one call each, so the chart of accounts
/// and the derived transfer ids live in one place. The authorization hold <c>{payment_id}:auth</c> (customer
/// clearing to the merchant's pending) names the accounts; each operation runs as one linked chain.
/// </summary>
internal static partial class PaymentPostingsApi
{
    public static RouteGroupBuilder MapPaymentPostingsApi(this RouteGroupBuilder v1)
    {
        v1.MapPost("/payments/{paymentId}/capture", Capture);
        v1.MapPost("/payments/{paymentId}/cancel", Cancel);
        v1.MapPost("/payments/{paymentId}/refunds", Refund);
        return v1;
    }

    public static string HoldId(string paymentId) => paymentId + ":auth";

    public static string FeesAccount(string currency) => $"platform:{currency}:fees";

    /// <summary>Posts the hold for A, moves A from pending to available, takes the fee into fees; the rest of the hold is released.</summary>
    public static async Task<Results<Created<PostingResponse>, Ok<PostingResponse>, ProblemHttpResult>> Capture(
        string paymentId, HttpRequest request, TransferStore transfers, AccountStore accounts, CancellationToken cancellationToken)
    {
        var (body, invalid) = await RequestBody.ReadAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        var (capture, wrongType) = RequestBody.Convert<CaptureRequest>(body, request);
        if (wrongType is not null)
        {
            return wrongType;
        }
        if (capture!.Validate().Problem() is { } problem)
        {
            return problem;
        }
        var (hold, holdProblem) = await FindHoldAsync(paymentId, transfers, cancellationToken);
        if (holdProblem is not null)
        {
            return holdProblem;
        }

        var (amount, fee) = (capture.Amount!.Value, capture.Fee ?? 0);
        var commands = new List<TransferCommand>
        {
            new(hold!.Hold.Id + ":post", TransferKinds.PostPending, null, null, amount, null, hold.Hold.Id, null, Linked: true),
            new(paymentId + ":capture", TransferKinds.SinglePhase, hold.Pending, hold.Available, amount, hold.Hold.Ledger, null, null, Linked: fee > 0),
        };
        if (fee > 0)
        {
            var fees = FeesAccount(hold.Hold.Ledger);
            await accounts.EnsureAsync(fees, hold.Hold.Ledger, "fees", new AccountFlags(), cancellationToken);
            commands.Add(new(paymentId + ":fee", TransferKinds.SinglePhase, hold.Available, fees, fee, hold.Hold.Ledger, null, null, Linked: false));
        }
        return await RunAsync(paymentId, commands, transfers, cancellationToken);
    }

    /// <summary>Voids the hold (<c>{payment_id}:auth:void</c>), as <c>POST /v1/transfers/{payment_id}:auth/void</c> does.</summary>
    public static async Task<Results<Created<PostingResponse>, Ok<PostingResponse>, ProblemHttpResult>> Cancel(
        string paymentId, TransferStore transfers, CancellationToken cancellationToken)
    {
        var (hold, holdProblem) = await FindHoldAsync(paymentId, transfers, cancellationToken);
        if (holdProblem is not null)
        {
            return holdProblem;
        }
        return await RunAsync(paymentId,
            [new(hold!.Hold.Id + ":void", TransferKinds.VoidPending, null, null, null, null, hold.Hold.Id, null, Linked: false)], transfers, cancellationToken);
    }

    /// <summary>Moves R from the merchant's available back to customer clearing as <c>{refund_id}:refund</c>; refused (exceeds_credits) below zero.</summary>
    public static async Task<Results<Created<PostingResponse>, Ok<PostingResponse>, ProblemHttpResult>> Refund(
        string paymentId, HttpRequest request, TransferStore transfers, CancellationToken cancellationToken)
    {
        var (body, invalid) = await RequestBody.ReadAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        var (refund, wrongType) = RequestBody.Convert<RefundRequest>(body, request);
        if (wrongType is not null)
        {
            return wrongType;
        }
        if (refund!.Validate().Problem() is { } problem)
        {
            return problem;
        }
        var (hold, holdProblem) = await FindHoldAsync(paymentId, transfers, cancellationToken);
        if (holdProblem is not null)
        {
            return holdProblem;
        }
        return await RunAsync(paymentId,
            [new(refund.RefundId + ":refund", TransferKinds.SinglePhase, hold!.Available, hold.Hold.DebitAccountId, refund.Amount, hold.Hold.Ledger, null, null, Linked: false)],
            transfers, cancellationToken);
    }

    private sealed record PaymentHold(TransferRecord Hold, string Pending, string Available);

    private static async Task<(PaymentHold? Hold, ProblemHttpResult? Problem)> FindHoldAsync(string paymentId, TransferStore transfers, CancellationToken cancellationToken)
    {
        if (!LedgerRules.Id().IsMatch(HoldId(paymentId)))
        {
            return (null, RequestBody.Invalid("payment_id must be letters, digits, '_', ':', '.' or '-'."));
        }
        var hold = await transfers.FindAsync(HoldId(paymentId), cancellationToken);
        if (hold is not { Kind: TransferKinds.Pending })
        {
            return (null, Problems.NotFound("payment_hold_not_found", $"No authorization hold {HoldId(paymentId)}."));
        }
        var pending = MerchantPending().Match(hold.CreditAccountId);
        if (!pending.Success)
        {
            return (null, Problems.Unprocessable("not_a_payment_hold", $"The hold {hold.Id} does not credit a merchant's pending account (merchant:{{id}}:{{currency}}:pending)."));
        }
        return (new PaymentHold(hold, hold.CreditAccountId, $"merchant:{pending.Groups[1].Value}:{pending.Groups[2].Value}:available"), null);
    }

    private static async Task<Results<Created<PostingResponse>, Ok<PostingResponse>, ProblemHttpResult>> RunAsync(
        string paymentId, IReadOnlyList<TransferCommand> commands, TransferStore transfers, CancellationToken cancellationToken)
    {
        var outcomes = await transfers.ExecuteAsync(commands, cancellationToken);
        if (outcomes.FirstOrDefault(o => o.Error is { Code: not "linked_event_failed" }) is { Error: { } error })
        {
            // The chain failed as a whole: the problem is its failing member's, with every member's result.
            var problem = Problems.Create(error.Status, error.Code, "The postings were refused; nothing was written.", error.Detail);
            problem.Extensions["results"] = outcomes.Select((o, i) => TransfersApi.ToItemResult(i, commands[i], o)).ToArray();
            return TypedResults.Problem(problem);
        }
        var response = new PostingResponse(paymentId, outcomes.Any(o => o.Created) ? "created" : "exists", [.. outcomes.Select(o => o.Transfer!.ToResponse())]);
        return outcomes.Any(o => o.Created)
            ? TypedResults.Created($"/v1/transfers/{Uri.EscapeDataString(response.Transfers[0].Id)}", response)
            : TypedResults.Ok(response);
    }

    [GeneratedRegex("^merchant:(.+):([a-z]{3}):pending$", RegexOptions.CultureInvariant)]
    private static partial Regex MerchantPending();
}
