using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PaymentPlatform.Gateway.Idempotency;
using PaymentPlatform.Gateway.Infrastructure;
using PaymentPlatform.Gateway.Merchants;
using PaymentPlatform.Gateway.Payments;
using PaymentPlatform.Gateway.RateLimiting;
using PaymentPlatform.Gateway.Vault;
using PaymentPlatform.ServiceDefaults;

namespace Microsoft.AspNetCore.Builder;

/// <summary>The public payments API: create, read and list (capture, cancel and refunds: <see cref="CaptureRefundApi"/>).</summary>
public static class PaymentsApi
{
    private const string CreateOperation = "POST /v1/payments";

    public static IEndpointRouteBuilder MapPaymentsApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var payments = app.MapGroup("/v1/payments").RequireMerchant().RequireMerchantRateLimit();
        payments.MapPost("/", CreatePayment);
        payments.MapGet("/", ListPayments);
        payments.MapGet("/{id}", GetPayment);
        return app;
    }

    internal static async Task<IResult> CreatePayment(
        HttpContext http,
        [FromHeader(Name = KeyedRequests.HeaderName)] string? idempotencyKey,
        KeyedRequests keyed,
        CardVault vault,
        PaymentStore store,
        PaymentFlow flow,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var merchant = http.GetMerchant();
        if (PaymentValidation.ValidateIdempotencyKey(idempotencyKey) is { } keyError)
        {
            return Problems.BadRequest("invalid_request", keyError);
        }
        var (body, invalid) = await JsonBody.ReadAsync<CreatePaymentRequest>(http.Request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        var (request, problem) = PaymentValidation.Validate(body!, time);
        if (problem is not null)
        {
            return problem;
        }

        var valid = request!;
        var key = keyed.KeyFor(merchant, idempotencyKey, CreateOperation,
            valid.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture), valid.Currency, valid.CaptureMethod,
            valid.Card.Number, $"{valid.Card.ExpMonth}/{valid.Card.ExpYear}", valid.Description,
            JsonSerializer.Serialize(new SortedDictionary<string, string>(valid.Metadata.ToDictionary(), StringComparer.Ordinal)));
        Task<StoredResponse> Resume(string? paymentId) => ResumeAsync(paymentId!, merchant, store, flow, cancellationToken);
        if (key is not null && !await keyed.TryLockAsync(key, cancellationToken))
        {
            return await keyed.AnswerExistingAsync(key, Resume, cancellationToken);
        }

        var card = await vault.StoreAsync(valid.Card.Number, valid.Card.ExpMonth, valid.Card.ExpYear, cancellationToken);
        // With an Idempotency-Key the id is derived from it: a retry names the same payment, the same
        // risk score and the same ledger hold, even if its key record was purged meanwhile.
        var id = idempotencyKey is null ? Ids.New("pay") : Ids.Derived("pay", merchant.MerchantId, idempotencyKey);
        var payment = new Payment(id, merchant.MerchantId, merchant.Livemode, valid.Amount, valid.Currency, PaymentStatus.Processing,
            valid.CaptureMethod, new PaymentCard(card.Token, card.Brand, card.Bin, card.Last4, card.ExpMonth, card.ExpYear, card.Fingerprint),
            valid.Description, valid.Metadata, idempotencyKey, time.GetUtcNow());

        switch (await store.CreateProcessingAsync(payment, key, cancellationToken))
        {
            case WriteOutcome.KeyExists:
                return await keyed.AnswerExistingAsync(key!, Resume, cancellationToken);
            case WriteOutcome.ObjectExists:
                return await keyed.RunAsync(key, id, () => Resume(id), cancellationToken);
        }
        if (key is not null)
        {
            keyed.New();
        }
        return await keyed.RunAsync(key, id, () => flow.CompleteAsync(payment, merchant.FeeRule, inquiry: false, cancellationToken), cancellationToken);
    }

    /// <summary>Another request's payment, abandoned mid-way (or already resolved): finish it, or answer its outcome.</summary>
    private static async Task<StoredResponse> ResumeAsync(string paymentId, MerchantContext merchant, PaymentStore store, PaymentFlow flow, CancellationToken cancellationToken)
    {
        var payment = await store.FindForMerchantAsync(paymentId, merchant.MerchantId, cancellationToken)
            ?? throw new InvalidOperationException($"The idempotency record names payment {paymentId}, which does not exist.");
        return payment.Status == PaymentStatus.Processing
            ? await flow.CompleteAsync(payment, merchant.FeeRule, inquiry: false, cancellationToken)
            : PaymentResponses.Created(payment);
    }

    internal static async Task<Results<Ok<PaymentResponse>, ProblemHttpResult>> GetPayment(string id, HttpContext http, PaymentStore store, CancellationToken cancellationToken) =>
        await store.FindForMerchantAsync(id, http.GetMerchant().MerchantId, cancellationToken) is { } payment
            ? TypedResults.Ok(payment.ToResponse())
            : Problems.NotFound("payment_not_found", $"No payment {id}.");

    internal static async Task<Results<Ok<ListResponse<PaymentResponse>>, ProblemHttpResult>> ListPayments(
        HttpContext http, PaymentStore store, CancellationToken cancellationToken)
    {
        var (query, invalid) = ListQueries.Parse(http.Request, allowStatus: true);
        if (invalid is not null)
        {
            return invalid;
        }
        if (await store.ListPaymentsAsync(http.GetMerchant().MerchantId, query!, cancellationToken) is not { } page)
        {
            return Problems.BadRequest("invalid_request", "starting_after or ending_before is not one of your payments.");
        }
        return TypedResults.Ok(new ListResponse<PaymentResponse>("list", "/v1/payments", [.. page.Items.Select(p => p.ToResponse())], page.HasMore));
    }
}
