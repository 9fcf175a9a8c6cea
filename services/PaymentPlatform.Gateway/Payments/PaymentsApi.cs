using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using PaymentPlatform.Gateway.Downstream;
using PaymentPlatform.Gateway.Handles;
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
        payments.MapPost("/", CreatePayment).Reads<CreatePaymentRequest>()
            .Responds<PaymentResponse>(StatusCodes.Status201Created, 400, 402, 409, 413, 422, 502, 503)
            .Produces<PaymentResponse>(StatusCodes.Status202Accepted);
        payments.MapGet("/", ListPayments).WithProblems(400);
        payments.MapGet("/{id}", GetPayment).WithProblems(404);
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
        if (valid.UpiHandle is not null)
        {
            return await CreateUpiPaymentAsync(http, merchant, idempotencyKey, valid, cancellationToken);
        }
        var key = keyed.KeyFor(merchant, idempotencyKey, CreateOperation,
            valid.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture), valid.Currency, valid.CaptureMethod,
            valid.Card!.Number, $"{valid.Card.ExpMonth}/{valid.Card.ExpYear}", valid.Description,
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

        return await StartAsync(payment, key, merchant, keyed, store, flow, Resume, cancellationToken);
    }

    /// <summary>
    /// A UPI payment: as a card payment, but the handle is first checked as a validation checks it (the PSP, ValAdd and
    /// the account's status, within the validation budget; risk scores the payment itself in the flow), and the flow
    /// authorizes through the directory's collect. A handle that cannot be paid is 400 <c>invalid_payment_handle</c>,
    /// and a directory that cannot answer in time 503 <c>directory_unavailable</c>: neither writes anything.
    /// </summary>
    private static async Task<IResult> CreateUpiPaymentAsync(
        HttpContext http, MerchantContext merchant, string? idempotencyKey, ValidPayment valid, CancellationToken cancellationToken)
    {
        var services = http.RequestServices;
        var keyed = services.GetRequiredService<KeyedRequests>();
        var store = services.GetRequiredService<PaymentStore>();
        var flow = services.GetRequiredService<PaymentFlow>();
        var time = services.GetRequiredService<TimeProvider>();
        var handle = valid.UpiHandle!;
        var key = keyed.KeyFor(merchant, idempotencyKey, CreateOperation,
            valid.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture), valid.Currency, valid.CaptureMethod,
            "upi", handle, valid.Description,
            JsonSerializer.Serialize(new SortedDictionary<string, string>(valid.Metadata.ToDictionary(), StringComparer.Ordinal)));
        Task<StoredResponse> Resume(string? paymentId) => ResumeAsync(paymentId!, merchant, store, flow, cancellationToken);
        if (key is not null && !await keyed.TryLockAsync(key, cancellationToken))
        {
            return await keyed.AnswerExistingAsync(key, Resume, cancellationToken);
        }

        var id = idempotencyKey is null ? Ids.New("pay") : Ids.Derived("pay", merchant.MerchantId, idempotencyKey);
        var budget = services.GetRequiredService<IOptionsMonitor<HandleOptions>>().CurrentValue.Budget;
        HandleCheck check;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(budget);
            try
            {
                check = await services.GetRequiredService<HandleValidator>().CheckAsync(handle, merchant, id, score: false, deadline.Token, cancellationToken);
            }
            catch (DownstreamException ex)
            {
                var unavailable = PaymentResponses.Problem(ex.Unavailable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status502BadGateway,
                    ex.Unavailable ? $"{ex.Service}_unavailable" : $"{ex.Service}_error", "A dependency is unavailable.",
                    $"The {ex.Service} service could not check the payment handle within {budget.TotalMilliseconds:0} ms. Nothing was created; retry with the same Idempotency-Key.");
                return await keyed.RefuseAsync(key, unavailable, Resume, cancellationToken);
            }
        }
        if (!check.Valid)
        {
            var problem = Problems.Create(StatusCodes.Status400BadRequest, "invalid_payment_handle", "The payment handle cannot be paid.",
                $"{handle} cannot receive a collect request: {string.Join(", ", check.Reasons)}. POST /v1/payment_handles/validate says why before paying.");
            problem.Extensions["reasons"] = check.Reasons;
            return await keyed.RefuseAsync(key, PaymentResponses.Problem(problem), Resume, cancellationToken);
        }

        // The handle first, so a payment without a card always finds its handle, whoever completes it.
        await services.GetRequiredService<UpiPaymentHandles>().RememberAsync(id, handle, cancellationToken);
        var payment = new Payment(id, merchant.MerchantId, merchant.Livemode, valid.Amount, valid.Currency, PaymentStatus.Processing,
            valid.CaptureMethod, Card: null, valid.Description, valid.Metadata, idempotencyKey, time.GetUtcNow())
        { UpiHandle = handle };
        return await StartAsync(payment, key, merchant, keyed, store, flow, Resume, cancellationToken);
    }

    /// <summary>
    /// The first recovery point (the key's record and the payment in <c>processing</c>, one transaction), then the
    /// flow; a key or payment that exists already is answered from what it holds.
    /// </summary>
    private static async Task<IResult> StartAsync(
        Payment payment, IdempotencyKey? key, MerchantContext merchant, KeyedRequests keyed, PaymentStore store, PaymentFlow flow,
        Func<string?, Task<StoredResponse>> resume, CancellationToken cancellationToken)
    {
        switch (await store.CreateProcessingAsync(payment, key, cancellationToken))
        {
            case WriteOutcome.KeyExists:
                return await keyed.AnswerExistingAsync(key!, resume, cancellationToken);
            case WriteOutcome.ObjectExists:
                return await keyed.RunAsync(key, payment.Id, () => resume(payment.Id), cancellationToken);
        }
        if (key is not null)
        {
            keyed.New();
        }
        return await keyed.RunAsync(key, payment.Id, () => flow.CompleteAsync(payment, merchant.FeeRule, inquiry: false, cancellationToken), cancellationToken);
    }

    /// <summary>Another request's payment, abandoned mid-way (or already resolved): finish it, or answer its outcome.</summary>
    private static async Task<StoredResponse> ResumeAsync(string paymentId, MerchantContext merchant, PaymentStore store, PaymentFlow flow, CancellationToken cancellationToken)
    {
        var payment = await store.FindForMerchantAsync(paymentId, merchant.MerchantId, cancellationToken)
            ?? throw new InvalidOperationException($"The idempotency record names payment {paymentId}, which does not exist.");
        payment = await flow.WithUpiHandleAsync(payment, cancellationToken);
        return payment.Status == PaymentStatus.Processing
            ? await flow.CompleteAsync(payment, merchant.FeeRule, inquiry: false, cancellationToken)
            : PaymentFlow.Created(payment);
    }

    internal static async Task<Results<Ok<PaymentResponse>, ProblemHttpResult>> GetPayment(
        string id, HttpContext http, PaymentStore store, PaymentFlow flow, CancellationToken cancellationToken) =>
        await store.FindForMerchantAsync(id, http.GetMerchant().MerchantId, cancellationToken) is { } payment
            ? TypedResults.Ok((await flow.WithUpiHandleAsync(payment, cancellationToken)).ToResponse())
            : Problems.NotFound("payment_not_found", $"No payment {id}.");

    internal static async Task<Results<Ok<ListResponse<PaymentResponse>>, ProblemHttpResult>> ListPayments(
        HttpContext http, PaymentStore store, UpiPaymentHandles upiHandles, CancellationToken cancellationToken)
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
        var handles = await upiHandles.FindManyAsync([.. page.Items.Where(p => p.Card is null).Select(p => p.Id)], cancellationToken);
        return TypedResults.Ok(new ListResponse<PaymentResponse>("list", "/v1/payments",
            [.. page.Items.Select(p => (handles.TryGetValue(p.Id, out var handle) ? p with { UpiHandle = handle } : p).ToResponse())], page.HasMore));
    }
}
