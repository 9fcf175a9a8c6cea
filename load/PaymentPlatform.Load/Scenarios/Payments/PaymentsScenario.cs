using PaymentPlatform.Load.Engine;

namespace PaymentPlatform.Load.Scenarios.Payments;

/// <summary>
/// Card payments through the public API: each scheduled arrival creates one payment with its own
/// idempotency key (timed from its due time), then, as a merchant would, retries it with the same
/// key, captures it, or refunds part of it (each follow-up timed from its own start). In a retry storm
/// (<see cref="PaymentMix.Storm"/>) the create is sent 2-5 times at once with its key, every copy timed
/// from the due time: each answer must name the same payment or be 409 <c>idempotency_key_in_use</c>.
/// </summary>
public sealed class PaymentsScenario(GatewayClient gateway, LoadMerchants merchants, PaymentMix mix, string runId) : IScenario
{
    /// <summary>The gateway's answer to a request whose key another request holds (contracts.md, idempotency).</summary>
    public const string KeyInUse = "idempotency_key_in_use";

    private const int Create = 0;
    private const int Capture = 1;
    private const int RefundOperation = 2;
    private const int Retry = 3;
    private const int StormCopy = 4;

    private long _stormKeys;
    private long _stormCopies;
    private long _stormSamePayment;
    private long _stormKeyInUse;

    public string Name => mix.Storm ? "retry-storm" : "payments";

    public IReadOnlyList<string> Operations { get; } = mix.Storm
        ? ["POST /v1/payments", "POST /v1/payments/{id}/capture", "POST /v1/refunds", "POST /v1/payments (retry, same key)", "POST /v1/payments (concurrent copy, same key)"]
        : ["POST /v1/payments", "POST /v1/payments/{id}/capture", "POST /v1/refunds", "POST /v1/payments (retry, same key)"];

    /// <summary>A retry storm's answers: keys, copies sent, answers that named the key's payment, and 409 key-in-use answers.</summary>
    public (long Keys, long Copies, long SamePayment, long KeyInUse) Storm =>
        (Interlocked.Read(ref _stormKeys), Interlocked.Read(ref _stormCopies), Interlocked.Read(ref _stormSamePayment), Interlocked.Read(ref _stormKeyInUse));

    public AcknowledgedPayments Acknowledged { get; } = new();

    /// <summary>Creates that timed out, failed to connect or answered 5xx: their outcome is unknown to the client.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<LostAnswer> Lost { get; } = new();

    /// <summary>Captures and refunds that timed out, failed to connect, answered 5xx or found their key in use: the client does not know whether they happened.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<LostFollowUp> LostFollowUps { get; } = new();

    /// <summary>
    /// Sends a lost capture or refund again with its key, as a merchant would; true once the answer is
    /// final (the payment or refund, or a 4xx other than key-in-use), which is then what the client was told.
    /// </summary>
    public async Task<bool> ResolveAsync(LostFollowUp lost, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lost);
        var secretKey = merchants[lost.Merchant].SecretKey;
        if (lost.RefundAmount is { } amount)
        {
            var refund = await gateway.RefundAsync(secretKey, lost.PaymentId, amount, lost.Key, cancellationToken).ConfigureAwait(false);
            if (refund.Value is not null)
            {
                Acknowledged.Moved(lost.PaymentId, PaymentStatus.PartiallyRefunded);
            }
            return !Unknown(refund);
        }
        var capture = await gateway.CaptureAsync(secretKey, lost.PaymentId, lost.Key, cancellationToken).ConfigureAwait(false);
        if (capture.Value is { } payment)
        {
            Acknowledged.Moved(lost.PaymentId, payment.Status);
        }
        return !Unknown(capture);
    }

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

        // One create, or in a storm all copies at once; every copy is timed from the due time.
        var answers = await Task.WhenAll(Enumerable.Range(0, plan.Copies).Select(copy =>
            TryAsync(() => gateway.CreatePaymentAsync(merchant.SecretKey, key, request, cancellationToken), recorder, copy == 0 ? Create : StormCopy, arrival.DueTimestamp, plan.Declines, concurrentCopies: plan.Copies > 1)))
            .ConfigureAwait(false);
        var named = answers.Select(a => a is null ? (Id: null, Status: null) : Acknowledge(a, plan)).Where(a => a.Id is not null && a.Status is not null).ToList();
        if (plan.Copies > 1)
        {
            Interlocked.Increment(ref _stormKeys);
            Interlocked.Add(ref _stormCopies, plan.Copies);
            Interlocked.Add(ref _stormKeyInUse, answers.Count(a => a?.ErrorCode == KeyInUse));
            Interlocked.Add(ref _stormSamePayment, named.Count(a => a.Id == named[0].Id));
        }
        if (named.Count == 0)
        {
            if (answers.Any(a => a is null || Unknown(a)))
            {
                // The client cannot know whether this payment exists: the verification retries its key.
                Lost.Enqueue(new LostAnswer(key, plan, request));
            }
            return;
        }
        var (id, status) = (named[0].Id!, named[0].Status!);
        Acknowledged.Created(id, new AcknowledgedPayments.Expected(plan.Merchant, key, status));
        foreach (var other in named.Skip(1))
        {
            Acknowledged.Retried(key, id, other.Id);
        }

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
            else if (captured is null || Unknown(captured))
            {
                LostFollowUps.Enqueue(new LostFollowUp(id, plan.Merchant, $"{key}-capture", RefundAmount: null));
            }
        }
        if (plan.Refund && status == PaymentStatus.Succeeded)
        {
            var refunded = await TryAsync(() => gateway.RefundAsync(merchant.SecretKey, id, plan.Amount / 4, $"{key}-refund", cancellationToken), recorder, RefundOperation, Now(), expectDecline: false).ConfigureAwait(false);
            if (refunded?.Value is not null)
            {
                Acknowledged.Moved(id, PaymentStatus.PartiallyRefunded);
            }
            else if (refunded is null || Unknown(refunded))
            {
                LostFollowUps.Enqueue(new LostFollowUp(id, plan.Merchant, $"{key}-refund", plan.Amount / 4));
            }
        }
    }

    public sealed record LostAnswer(string Key, PaymentPlan Plan, CreatePayment Request);

    /// <summary>A capture (<paramref name="RefundAmount"/> null) or a refund of that amount, sent with <paramref name="Key"/>.</summary>
    public sealed record LostFollowUp(string PaymentId, int Merchant, string Key, long? RefundAmount);

    /// <summary>An answer that leaves the outcome unknown: a 5xx, or the key still held by an earlier attempt.</summary>
    private static bool Unknown<T>(GatewayAnswer<T> answer) where T : class => answer.Status >= 500 || answer.ErrorCode == KeyInUse;

    /// <summary>The payment the answer acknowledges and its status: a 201, or a decline that names the payment it made.</summary>
    private static (string? Id, string? Status) Acknowledge(GatewayAnswer<Payment> answer, PaymentPlan plan) =>
        answer.Value is { } payment ? (payment.Id, payment.Status)
        : plan.Declines && answer.Status == 402 && answer.PaymentId is { } declinedId ? (declinedId, PaymentStatus.Declined)
        : (null, null);

    private static async Task<GatewayAnswer<T>?> TryAsync<T>(Func<Task<GatewayAnswer<T>>> send, IOutcomeRecorder recorder, int operation, long start, bool expectDecline, bool concurrentCopies = false)
        where T : class
    {
        try
        {
            var answer = await send().ConfigureAwait(false);
            recorder.Record(operation, start, Classify(answer, expectDecline, concurrentCopies));
            return answer;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            recorder.Record(operation, start, Outcome.FromException(ex));
            return null;
        }
    }

    private static Outcome Classify<T>(GatewayAnswer<T> answer, bool expectDecline, bool concurrentCopies) where T : class => answer switch
    {
        { Status: 409, ErrorCode: KeyInUse } when concurrentCopies => Outcome.Expected($"409 {KeyInUse}"),
        { Value: Payment { Status: PaymentStatus.Declined } } when expectDecline => Outcome.Expected("declined"),
        { Value: not null } => Outcome.Expected($"{answer.Status}"),
        { Status: 402 } when expectDecline => Outcome.Expected($"402 {answer.ErrorCode}"),
        _ => Outcome.Error(answer.Kind),
    };

    private static long Now() => System.Diagnostics.Stopwatch.GetTimestamp();
}
