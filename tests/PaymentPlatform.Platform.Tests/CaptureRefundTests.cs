using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PaymentPlatform.Hosting.Testing;
using Xunit.Abstractions;

namespace PaymentPlatform.Platform.Tests;

/// <summary>
/// Capture, cancel and refunds through the real AppHost: the gateway's state and events, the ledger's
/// postings (read over its internal API with the token) and notify's record of the events.
/// </summary>
[Collection(PlatformCollection.Name)]
public class CaptureRefundTests(PlatformFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task AFullCaptureMovesTheAmountLessTheFeeToAvailableAndTheFeeToFeesAndNotifyRecordsTheEvent()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var (merchantId, gateway) = (merchant.Id, merchant.Client);
        var paymentId = await NewPaymentAsync(gateway, 1000);

        var captured = await (await CaptureAsync(gateway, paymentId)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("succeeded", captured.GetProperty("status").GetString());
        Assert.Equal(1000, captured.GetProperty("amount_captured").GetInt64());
        Assert.Equal(59, captured.GetProperty("fee").GetInt64());   // 2.9 % of 1000 = 29, + 30
        using var ledger = await fixture.App.CreateInternalClientAsync("ledger");
        Assert.Equal(941, await NetCreditAsync(ledger, $"merchant:{merchantId}:usd:available"));
        var pending = await AccountAsync(ledger, $"merchant:{merchantId}:usd:pending");
        Assert.Equal(0, pending.GetProperty("credits_pending").GetInt64());
        Assert.Equal(0, pending.GetProperty("credits_posted").GetInt64() - pending.GetProperty("debits_posted").GetInt64());
        var fee = await TransferAsync(ledger, $"{paymentId}:fee");
        Assert.Equal(59, fee.GetProperty("amount").GetInt64());
        Assert.Equal("platform:usd:fees", fee.GetProperty("credit_account_id").GetString());

        var eventId = await OutboxEventIdAsync("payment.captured", paymentId);
        await NotifyRecordedAsync(eventId, "payment.captured", merchantId);
        output.WriteLine($"captured {paymentId}, event {eventId} at notify");
    }

    [Fact]
    public async Task APartialCaptureTakesTheFeeOnTheCapturedAmountRoundedHalfUpAndReleasesTheRestOfTheHold()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var (merchantId, gateway) = (merchant.Id, merchant.Client);
        var paymentId = await NewPaymentAsync(gateway, 2000);

        var captured = await (await CaptureAsync(gateway, paymentId, amountToCapture: 500)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("succeeded", captured.GetProperty("status").GetString());
        Assert.Equal(2000, captured.GetProperty("amount").GetInt64());
        Assert.Equal(500, captured.GetProperty("amount_captured").GetInt64());
        Assert.Equal(45, captured.GetProperty("fee").GetInt64());   // 2.9 % of 500 = 14.5, half-up 15, + 30
        using var ledger = await fixture.App.CreateInternalClientAsync("ledger");
        Assert.Equal(455, await NetCreditAsync(ledger, $"merchant:{merchantId}:usd:available"));
        var pending = await AccountAsync(ledger, $"merchant:{merchantId}:usd:pending");
        Assert.Equal(0, pending.GetProperty("credits_pending").GetInt64());   // the other 1500 was released
        Assert.Equal(500, pending.GetProperty("credits_posted").GetInt64());
        Assert.Equal(500, pending.GetProperty("debits_posted").GetInt64());
        Assert.Equal(500, (await TransferAsync(ledger, $"{paymentId}:auth:post")).GetProperty("amount").GetInt64());
    }

    [Theory]
    [InlineData(1, 1)]                   // 30 fixed would exceed the amount: the fee is capped at the amount captured
    [InlineData(50, 31)]                 // 1.45 rounds to 1
    [InlineData(500, 45)]                // 14.5 rounds half-up to 15 (banker's rounding would give 14)
    [InlineData(1035, 60)]               // 30.015 rounds down to 30
    [InlineData(100_000, 2_930)]
    public async Task TheFeeIsTwoPointNinePercentPlusThirtyRoundedHalfUpAndNeverMoreThanTheCapture(long amount, long expectedFee)
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var (merchantId, gateway) = (merchant.Id, merchant.Client);
        var paymentId = await NewPaymentAsync(gateway, amount);

        var captured = await (await CaptureAsync(gateway, paymentId)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(expectedFee, captured.GetProperty("fee").GetInt64());
        using var ledger = await fixture.App.CreateInternalClientAsync("ledger");
        Assert.Equal(amount - expectedFee, await NetCreditAsync(ledger, $"merchant:{merchantId}:usd:available"));
    }

    [Fact]
    public async Task ACaptureRetriedAfterTheLedgerPostedItButBeforeTheGatewayRecordedItCompletesExactlyOnce()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var (merchantId, gateway) = (merchant.Id, merchant.Client);
        var paymentId = await NewPaymentAsync(gateway, 1000);
        // As if the gateway crashed after the ledger answered: the posting exists, the payment is still requires_capture.
        using var ledger = await fixture.App.CreateInternalClientAsync("ledger");
        using (var posting = new HttpRequestMessage(HttpMethod.Post, $"/v1/payments/{paymentId}/capture") { Content = JsonContent.Create(new { amount = 1000, fee = 59 }) })
        {
            posting.Headers.Add("Idempotency-Key", $"{paymentId}:capture");
            await (await ledger.SendAsync(posting)).ExpectAsync(HttpStatusCode.Created);
        }

        var captured = await (await CaptureAsync(gateway, paymentId)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(("succeeded", 1000L, 59L),
            (captured.GetProperty("status").GetString(), captured.GetProperty("amount_captured").GetInt64(), captured.GetProperty("fee").GetInt64()));
        Assert.Equal(941, await NetCreditAsync(ledger, $"merchant:{merchantId}:usd:available"));
        var ledgerDb = await fixture.App.GetConnectionStringAsync("ledgerdb");
        Assert.Equal(3, (await Probes.QueryAsync(ledgerDb!, "SELECT id FROM transfers WHERE id IN ($1, $2, $3)",
            $"{paymentId}:auth:post", $"{paymentId}:capture", $"{paymentId}:fee")).Count);
        Assert.Equal(["payment.authorized", "payment.captured"], await EventTypesAsync(merchantId));
    }

    [Fact]
    public async Task ACanceledPaymentReleasesItsHoldAndCanNeitherBeCapturedNorCanceledAgain()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var (merchantId, gateway) = (merchant.Id, merchant.Client);
        var paymentId = await NewPaymentAsync(gateway, 1500);

        var canceled = await (await CancelAsync(gateway, paymentId)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("canceled", canceled.GetProperty("status").GetString());
        Assert.Equal("requested_by_merchant", canceled.GetProperty("cancellation_reason").GetString());
        using var ledger = await fixture.App.CreateInternalClientAsync("ledger");
        Assert.Equal("void_pending", (await TransferAsync(ledger, $"{paymentId}:auth:void")).GetProperty("kind").GetString());
        Assert.Equal(0, (await AccountAsync(ledger, $"merchant:{merchantId}:usd:pending")).GetProperty("credits_pending").GetInt64());
        await (await CaptureAsync(gateway, paymentId)).ExpectProblemAsync(HttpStatusCode.Conflict, "payment_not_capturable");
        await (await CancelAsync(gateway, paymentId)).ExpectProblemAsync(HttpStatusCode.Conflict, "invalid_state");
        await (await RefundAsync(gateway, paymentId, 100)).ExpectProblemAsync(HttpStatusCode.Conflict, "invalid_state");
        Assert.Equal(["payment.authorized", "payment.canceled"], await EventTypesAsync(merchantId));
    }

    [Fact]
    public async Task APartialThenAFullRefundLeaveThePaymentRefundedAndEachIsRecordedByNotify()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var (merchantId, gateway) = (merchant.Id, merchant.Client);
        // Refunds come out of the available balance, which is net of fees: an earlier sale covers them.
        var earlier = await NewPaymentAsync(gateway, 5000);
        await (await CaptureAsync(gateway, earlier)).ExpectAsync(HttpStatusCode.OK);   // available 5000 - 175
        var paymentId = await NewPaymentAsync(gateway, 1000);
        await (await CaptureAsync(gateway, paymentId)).ExpectAsync(HttpStatusCode.OK);  // available + 1000 - 59

        var partial = await (await RefundAsync(gateway, paymentId, 300)).ExpectAsync(HttpStatusCode.Created);
        var afterPartial = await GetPaymentAsync(gateway, paymentId);
        var rest = await (await RefundAsync(gateway, paymentId, amount: null)).ExpectAsync(HttpStatusCode.Created);
        var afterRest = await GetPaymentAsync(gateway, paymentId);

        Assert.StartsWith("re_", partial.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("refund", partial.GetProperty("object").GetString());
        Assert.Equal("succeeded", partial.GetProperty("status").GetString());
        Assert.Equal(paymentId, partial.GetProperty("payment").GetString());
        Assert.Equal(300, partial.GetProperty("amount").GetInt64());
        Assert.Equal(700, rest.GetProperty("amount").GetInt64());
        Assert.Equal(("partially_refunded", 300L), (afterPartial.GetProperty("status").GetString(), afterPartial.GetProperty("amount_refunded").GetInt64()));
        Assert.Equal(("refunded", 1000L), (afterRest.GetProperty("status").GetString(), afterRest.GetProperty("amount_refunded").GetInt64()));
        var refundId = rest.GetProperty("id").GetString()!;
        var fetched = await (await gateway.GetAsync(new Uri($"/v1/refunds/{refundId}", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((refundId, 700L, "succeeded"), (fetched.GetProperty("id").GetString(), fetched.GetProperty("amount").GetInt64(), fetched.GetProperty("status").GetString()));
        await (await gateway.GetAsync(new Uri("/v1/refunds/re_000000000000000000000000", UriKind.Relative))).ExpectProblemAsync(HttpStatusCode.NotFound, "refund_not_found");
        await (await RefundAsync(gateway, paymentId, 1)).ExpectProblemAsync(HttpStatusCode.Conflict, "invalid_state");

        using var ledger = await fixture.App.CreateInternalClientAsync("ledger");
        Assert.Equal(4825 + 941 - 1000, await NetCreditAsync(ledger, $"merchant:{merchantId}:usd:available"));
        var refundTransfer = await TransferAsync(ledger, $"{refundId}:refund");
        Assert.Equal((700L, $"merchant:{merchantId}:usd:available", "platform:usd:customer_clearing"),
            (refundTransfer.GetProperty("amount").GetInt64(), refundTransfer.GetProperty("debit_account_id").GetString(), refundTransfer.GetProperty("credit_account_id").GetString()));
        foreach (var id in new[] { partial.GetProperty("id").GetString()!, refundId })
        {
            await NotifyRecordedAsync(await OutboxEventIdAsync("refund.succeeded", id), "refund.succeeded", merchantId);
        }
    }

    [Fact]
    public async Task ARefundRetriedWithTheSameIdempotencyKeyIsTheSameRefundAndMovesMoneyOnce()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var (merchantId, gateway) = (merchant.Id, merchant.Client);
        var key = Guid.NewGuid().ToString();
        var paymentId = await NewPaymentAsync(gateway, 1000);
        await (await CaptureAsync(gateway, paymentId)).ExpectAsync(HttpStatusCode.OK);

        var first = await (await RefundAsync(gateway, paymentId, 200, key)).ExpectAsync(HttpStatusCode.Created);
        using var retryResponse = await RefundAsync(gateway, paymentId, 200, key);
        var retry = await retryResponse.ExpectAsync(HttpStatusCode.Created);
        // The same key for a different request (another amount): refused, nothing written (was 409 idempotency_key_in_use).
        await (await RefundAsync(gateway, paymentId, 300, key)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");

        Assert.Equal(first.GetProperty("id").GetString(), retry.GetProperty("id").GetString());
        Assert.Equal("true", Assert.Single(retryResponse.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(200, (await GetPaymentAsync(gateway, paymentId)).GetProperty("amount_refunded").GetInt64());
        Assert.Equal(["payment.authorized", "payment.captured", "refund.succeeded"], await EventTypesAsync(merchantId));
        using var ledger = await fixture.App.CreateInternalClientAsync("ledger");
        Assert.Equal(941 - 200, await NetCreditAsync(ledger, $"merchant:{merchantId}:usd:available"));
        var reconciliation = await (await ledger.GetAsync(new Uri("/v1/reconciliation", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        Assert.True(reconciliation.GetProperty("balanced").GetBoolean(), reconciliation.ToString());
    }

    [Fact]
    public async Task ARefundBeyondWhatWasCapturedIsRefusedAndWritesNothing()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var (merchantId, gateway) = (merchant.Id, merchant.Client);
        var paymentId = await NewPaymentAsync(gateway, 1000);
        await (await RefundAsync(gateway, paymentId, 100)).ExpectProblemAsync(HttpStatusCode.Conflict, "invalid_state");   // not captured yet
        await (await CaptureAsync(gateway, paymentId, amountToCapture: 600)).ExpectAsync(HttpStatusCode.OK);

        var problem = await (await RefundAsync(gateway, paymentId, 601)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "refund_exceeds_captured");

        Assert.Equal(paymentId, problem.GetProperty("payment_id").GetString());
        await AssertNoRefundWrittenAsync(merchantId, paymentId);
    }

    [Fact]
    public async Task ARefundTheMerchantsAvailableBalanceCannotCoverIsRefusedAndWritesNothing()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var (merchantId, gateway) = (merchant.Id, merchant.Client);
        var paymentId = await NewPaymentAsync(gateway, 1000);
        await (await CaptureAsync(gateway, paymentId)).ExpectAsync(HttpStatusCode.OK);   // available 941

        await (await RefundAsync(gateway, paymentId, amount: null)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "balance_insufficient");

        await AssertNoRefundWrittenAsync(merchantId, paymentId);
        using var ledger = await fixture.App.CreateInternalClientAsync("ledger");
        Assert.Equal(941, await NetCreditAsync(ledger, $"merchant:{merchantId}:usd:available"));
        // The reservation was released: what the balance covers can still be refunded.
        await (await RefundAsync(gateway, paymentId, 941)).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task ASecondCaptureIsRefusedAndTheLedgerHoldsOneCapture()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var (merchantId, gateway) = (merchant.Id, merchant.Client);
        var paymentId = await NewPaymentAsync(gateway, 1000);
        await (await CaptureAsync(gateway, paymentId, amountToCapture: 400)).ExpectAsync(HttpStatusCode.OK);

        await (await CaptureAsync(gateway, paymentId, amountToCapture: 400)).ExpectProblemAsync(HttpStatusCode.Conflict, "payment_not_capturable");
        await (await CaptureAsync(gateway, paymentId)).ExpectProblemAsync(HttpStatusCode.Conflict, "payment_not_capturable");

        Assert.Equal(400, (await GetPaymentAsync(gateway, paymentId)).GetProperty("amount_captured").GetInt64());
        var ledgerDb = await fixture.App.GetConnectionStringAsync("ledgerdb");
        Assert.Single(await Probes.QueryAsync(ledgerDb!, "SELECT id FROM transfers WHERE id LIKE $1", $"{paymentId}:capture%"));
        Assert.Equal(["payment.authorized", "payment.captured"], await EventTypesAsync(merchantId));
    }

    [Fact]
    public async Task AnotherMerchantGets404ForCaptureCancelAndRefundAndThePaymentIsUntouched()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        using var other = await fixture.App.CreateMerchantAsync();
        var (merchantId, gateway) = (merchant.Id, merchant.Client);
        var paymentId = await NewPaymentAsync(gateway, 1000);

        await (await CaptureAsync(other.Client, paymentId)).ExpectProblemAsync(HttpStatusCode.NotFound, "payment_not_found");
        await (await CancelAsync(other.Client, paymentId)).ExpectProblemAsync(HttpStatusCode.NotFound, "payment_not_found");
        await (await other.Client.GetAsync(new Uri($"/v1/payments/{paymentId}", UriKind.Relative))).ExpectProblemAsync(HttpStatusCode.NotFound, "payment_not_found");
        await (await CaptureAsync(gateway, paymentId)).ExpectAsync(HttpStatusCode.OK);
        await (await RefundAsync(other.Client, paymentId, 100)).ExpectProblemAsync(HttpStatusCode.NotFound, "payment_not_found");
        await (await CaptureAsync(gateway, "pay_000000000000000000000000")).ExpectProblemAsync(HttpStatusCode.NotFound, "payment_not_found");

        Assert.Equal(0, (await GetPaymentAsync(gateway, paymentId)).GetProperty("amount_refunded").GetInt64());
        var paymentsDb = await fixture.App.GetConnectionStringAsync("paymentsdb");
        Assert.Empty(await Probes.QueryAsync(paymentsDb!, "SELECT id FROM events WHERE merchant_id = $1", other.Id));
    }

    [Fact]
    public async Task OfConcurrentCapturesOfOnePaymentExactlyOneSucceeds()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var (merchantId, gateway) = (merchant.Id, merchant.Client);
        var paymentId = await NewPaymentAsync(gateway, 1000);

        // Same amount (the ledger answers created once, exists to the rest) and other amounts (the ledger refuses them).
        var amounts = Enumerable.Range(0, 12).Select(i => i % 2 == 0 ? 700L : 700 + i).ToArray();
        var responses = await Task.WhenAll(amounts.Select(amount => CaptureAsync(gateway, paymentId, amountToCapture: amount)));

        var statuses = responses.Select(r => r.StatusCode).ToArray();
        output.WriteLine(string.Join(", ", statuses.Select((s, i) => $"{amounts[i]}: {(int)s}")));
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
        foreach (var refused in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            await refused.ExpectProblemAsync(HttpStatusCode.Conflict, "payment_not_capturable");
        }
        // Exactly one capture wins; every other request, the same amount or not, is refused and writes nothing.
        Assert.Single(statuses, HttpStatusCode.OK);
        var winner = await responses.Single(r => r.StatusCode == HttpStatusCode.OK).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("succeeded", winner.GetProperty("status").GetString());
        var captured = winner.GetProperty("amount_captured").GetInt64();
        var ledgerDb = await fixture.App.GetConnectionStringAsync("ledgerdb");
        var capture = Assert.Single(await Probes.QueryAsync(ledgerDb!, "SELECT amount FROM transfers WHERE id = $1", $"{paymentId}:capture"));
        Assert.Equal(captured, (long)capture[0]!);
        Assert.Equal(["payment.authorized", "payment.captured"], await EventTypesAsync(merchantId));
        Assert.Equal(captured, (await GetPaymentAsync(gateway, paymentId)).GetProperty("amount_captured").GetInt64());
    }

    [Theory]
    [InlineData("{\"amount_to_capture\": 1001}", HttpStatusCode.UnprocessableEntity, "amount_too_large")]
    [InlineData("{\"amount_to_capture\": 0}", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("{\"amount_to_capture\": \"500\"}", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("{\"amount_to_capture\": 1.5}", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("{\"amount_to_capture\": -500}", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("[]", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("not json", HttpStatusCode.BadRequest, "invalid_request")]
    public async Task AnInvalidCaptureIsA4xxProblemAndLeavesThePaymentAsItWas(string body, HttpStatusCode status, string code)
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var (merchantId, gateway) = (merchant.Id, merchant.Client);
        var paymentId = await NewPaymentAsync(gateway, 1000);

        using var response = await gateway.PostAsync(new Uri($"/v1/payments/{paymentId}/capture", UriKind.Relative),
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await response.ExpectProblemAsync(status, code);
        Assert.Equal("requires_capture", (await GetPaymentAsync(gateway, paymentId)).GetProperty("status").GetString());
        Assert.Equal(["payment.authorized"], await EventTypesAsync(merchantId));
    }

    [Theory]
    [InlineData("{\"payment\": \"PAYMENT\", \"amount\": 0}")]
    [InlineData("{\"payment\": \"PAYMENT\", \"amount\": \"1\"}")]
    [InlineData("{\"amount\": 100}")]
    [InlineData("{\"payment\": \"PAYMENT\", \"amount\": 100, \"reason\": \"because\"}")]
    [InlineData("{\"payment\": \"PAYMENT\"")]
    public async Task AnInvalidRefundRequestIs400AndWritesNothing(string body)
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var (merchantId, gateway) = (merchant.Id, merchant.Client);
        var paymentId = await NewPaymentAsync(gateway, 1000);
        await (await CaptureAsync(gateway, paymentId)).ExpectAsync(HttpStatusCode.OK);

        using var response = await gateway.PostAsync(new Uri("/v1/refunds", UriKind.Relative),
            new StringContent(body.Replace("PAYMENT", paymentId, StringComparison.Ordinal),
                System.Text.Encoding.UTF8, "application/json"));

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        await AssertNoRefundWrittenAsync(merchantId, paymentId);
    }

    /// <summary>A manual-capture payment (requires_capture) of <paramref name="gateway"/>'s merchant.</summary>
    private static async Task<string> NewPaymentAsync(HttpClient gateway, long amount)
    {
        using var response = await Probes.PostPaymentAsync(gateway, amount: amount, captureMethod: "manual");
        var payment = await response.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("requires_capture", payment.GetProperty("status").GetString());
        return payment.GetProperty("id").GetString()!;
    }

    /// <summary>A capture as <paramref name="gateway"/>'s merchant: the whole amount with no body, or <paramref name="amountToCapture"/>.</summary>
    private static Task<HttpResponseMessage> CaptureAsync(HttpClient gateway, string paymentId, long? amountToCapture = null) =>
        amountToCapture is null
            ? gateway.PostAsync(new Uri($"/v1/payments/{paymentId}/capture", UriKind.Relative), content: null)
            : gateway.PostAsJsonAsync($"/v1/payments/{paymentId}/capture", new { amount_to_capture = amountToCapture });

    private static Task<HttpResponseMessage> CancelAsync(HttpClient gateway, string paymentId) =>
        gateway.PostAsync(new Uri($"/v1/payments/{paymentId}/cancel", UriKind.Relative), content: null);

    private static async Task<HttpResponseMessage> RefundAsync(HttpClient gateway, string paymentId, long? amount, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/refunds")
        {
            Content = JsonContent.Create(amount is null ? (object)new { payment = paymentId } : new { payment = paymentId, amount }),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return await gateway.SendAsync(request);
    }

    private static async Task<JsonElement> GetPaymentAsync(HttpClient gateway, string paymentId) =>
        await (await gateway.GetAsync(new Uri($"/v1/payments/{paymentId}", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);

    private static async Task<JsonElement> AccountAsync(HttpClient ledger, string id) =>
        await (await ledger.GetAsync(new Uri($"/v1/accounts/{Uri.EscapeDataString(id)}", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);

    private static async Task<JsonElement> TransferAsync(HttpClient ledger, string id) =>
        await (await ledger.GetAsync(new Uri($"/v1/transfers/{Uri.EscapeDataString(id)}", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);

    /// <summary>An account's posted credits less its posted debits (a merchant's available balance).</summary>
    private static async Task<long> NetCreditAsync(HttpClient ledger, string id)
    {
        var account = await AccountAsync(ledger, id);
        return account.GetProperty("credits_posted").GetInt64() - account.GetProperty("debits_posted").GetInt64();
    }

    private async Task<string[]> EventTypesAsync(string merchantId)
    {
        var paymentsDb = await fixture.App.GetConnectionStringAsync("paymentsdb");
        return [.. (await Probes.QueryAsync(paymentsDb!, "SELECT type FROM events WHERE merchant_id = $1 ORDER BY seq", merchantId)).Select(r => (string)r[0]!)];
    }

    private async Task<string> OutboxEventIdAsync(string type, string objectId)
    {
        var paymentsDb = await fixture.App.GetConnectionStringAsync("paymentsdb");
        return (string)Assert.Single(Assert.Single(await Probes.QueryAsync(paymentsDb!,
            "SELECT id FROM events WHERE type = $1 AND payload->'object'->>'id' = $2", type, objectId)))!;
    }

    private async Task NotifyRecordedAsync(string eventId, string type, string merchantId)
    {
        var notifyDb = await fixture.App.GetConnectionStringAsync("notifydb");
        var recorded = await Probes.EventuallyAsync(
            async () => (await Probes.QueryAsync(notifyDb!, "SELECT type, merchant_id FROM events WHERE event_id = $1", eventId)).SingleOrDefault(),
            Probes.EventTimeout,
            $"notify to record event {eventId} ({type})");
        Assert.Equal(new object?[] { type, merchantId }, recorded);
    }

    /// <summary>No refund row, no reservation, no refund event and no ledger refund for the merchant.</summary>
    private async Task AssertNoRefundWrittenAsync(string merchantId, string paymentId)
    {
        var paymentsDb = await fixture.App.GetConnectionStringAsync("paymentsdb");
        Assert.Empty(await Probes.QueryAsync(paymentsDb!, "SELECT id FROM refunds WHERE merchant_id = $1", merchantId));
        Assert.Equal(new object?[] { "succeeded", 0L, 0L },
            Assert.Single(await Probes.QueryAsync(paymentsDb!, "SELECT status, amount_refunded, amount_refund_pending FROM payments WHERE id = $1", paymentId)));
        Assert.DoesNotContain("refund.succeeded", await EventTypesAsync(merchantId));
        var ledgerDb = await fixture.App.GetConnectionStringAsync("ledgerdb");
        Assert.Empty(await Probes.QueryAsync(ledgerDb!, "SELECT id FROM transfers WHERE debit_account_id = $1 AND id LIKE '%:refund'", $"merchant:{merchantId}:usd:available"));
    }
}
