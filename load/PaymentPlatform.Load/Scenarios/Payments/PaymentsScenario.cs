using PaymentPlatform.Load.Engine;

namespace PaymentPlatform.Load.Scenarios.Payments;

/// <summary>
/// Card payments through the public API: each scheduled arrival creates one payment with its own
/// idempotency key (timed from its due time), then, as a merchant would, retries it with the same
/// key, captures it, or refunds part of it (each follow-up timed from its own start).
/// </summary>
public sealed class PaymentsScenario(GatewayClient gateway, LoadMerchants merchants, PaymentMix mix, string runId) : IScenario
{
    private const int Create = 0;
    private const int Capture = 1;
    private const int RefundOperation = 2;
    private const int Retry = 3;

    public string Name => "payments";

    public IReadOnlyList<string> Operations { get; } =
        ["POST /v1/payments", "POST /v1/payments/{id}/capture", "POST /v1/refunds", "POST /v1/payments (retry, same key)"];

    public AcknowledgedPayments Acknowledged { get; } = new();

    /// <summary>Creates that timed out, failed to connect or answered 5xx: their outcome is unknown to the client.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<LostAnswer> Lost { get; } = new();

    /// <summary>Asks again with the same key, as a merchant whose answer was lost would; null when no payment is named.</summary>
    public async Task<(string Id, string Status)?> ResolveAsync(LostAnswer lost, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lost);
        var answer = await gateway.CreatePaymentAsync(merchants[lost.Plan.Merchant].SecretKey, lost.Key, lost.Request, cancellationToken).ConfigureAwait(false);
        var (id, status) = Acknowledge(answer, lost.Plan);
        return id is null || status is null ? null : (id, status);
    }

    public async Task ExecuteAsync(Arrival arrival, IOutcomeRecorder recorder, CancellationToken cancellationToken)
    {
        var plan = mix.For(arrival.Index);
        var merchant = merchants[plan.Merchant];
        var key = $"{runId}-pay-{arrival.Index}";
        var request = new CreatePayment(plan.Amount, "usd", plan.ManualCapture ? "manual" : "automatic",
            new PaymentMethod("card", new Card(plan.Declines ? TestCards.Decline : merchants.Cards[plan.Card], 12, 2030, "123")));

        var created = await TryAsync(() => gateway.CreatePaymentAsync(merchant.SecretKey, key, request, cancellationToken), recorder, Create, arrival.DueTimestamp, plan.Declines).ConfigureAwait(false);
        var (id, status) = created is null ? (null, null) : Acknowledge(created, plan);
        if (id is null || status is null)
        {
            if (created is null || created.Status >= 500)
            {
                // The client cannot know whether this payment exists: the verification retries its key.
                Lost.Enqueue(new LostAnswer(key, plan, request));
            }
            return;
        }
        Acknowledged.Created(id, new AcknowledgedPayments.Expected(plan.Merchant, key, status));

        if (plan.Retry)
        {
            var again = await TryAsync(() => gateway.CreatePaymentAsync(merchant.SecretKey, key, request, cancellationToken), recorder, Retry, Now(), plan.Declines).ConfigureAwait(false);
            if (again is not null)
            {
                Acknowledged.Retried(key, id, Acknowledge(again, plan).Id);
            }
        }
        if (status == PaymentStatus.RequiresCapture)
        {
            var captured = await TryAsync(() => gateway.CaptureAsync(merchant.SecretKey, id, $"{key}-capture", cancellationToken), recorder, Capture, Now(), expectDecline: false).ConfigureAwait(false);
            if (captured?.Value is { } payment)
            {
                Acknowledged.Moved(id, status = payment.Status);
            }
        }
        if (plan.Refund && status == PaymentStatus.Succeeded)
        {
            var refunded = await TryAsync(() => gateway.RefundAsync(merchant.SecretKey, id, plan.Amount / 4, $"{key}-refund", cancellationToken), recorder, RefundOperation, Now(), expectDecline: false).ConfigureAwait(false);
            if (refunded?.Value is not null)
            {
                Acknowledged.Moved(id, PaymentStatus.PartiallyRefunded);
            }
        }
    }

    public sealed record LostAnswer(string Key, PaymentPlan Plan, CreatePayment Request);

    /// <summary>The payment the answer acknowledges and its status: a 201, or a decline that names the payment it made.</summary>
    private static (string? Id, string? Status) Acknowledge(GatewayAnswer<Payment> answer, PaymentPlan plan) =>
        answer.Value is { } payment ? (payment.Id, payment.Status)
        : plan.Declines && answer.Status == 402 && answer.PaymentId is { } declinedId ? (declinedId, PaymentStatus.Declined)
        : (null, null);

    private static async Task<GatewayAnswer<T>?> TryAsync<T>(Func<Task<GatewayAnswer<T>>> send, IOutcomeRecorder recorder, int operation, long start, bool expectDecline)
        where T : class
    {
        try
        {
            var answer = await send().ConfigureAwait(false);
            recorder.Record(operation, start, Classify(answer, expectDecline));
            return answer;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            recorder.Record(operation, start, Outcome.FromException(ex));
            return null;
        }
    }

    private static Outcome Classify<T>(GatewayAnswer<T> answer, bool expectDecline) where T : class => answer switch
    {
        { Value: Payment { Status: PaymentStatus.Declined } } when expectDecline => Outcome.Expected("declined"),
        { Value: not null } => Outcome.Expected($"{answer.Status}"),
        { Status: 402 } when expectDecline => Outcome.Expected($"402 {answer.ErrorCode}"),
        _ => Outcome.Error(answer.Kind),
    };

    private static long Now() => System.Diagnostics.Stopwatch.GetTimestamp();
}
