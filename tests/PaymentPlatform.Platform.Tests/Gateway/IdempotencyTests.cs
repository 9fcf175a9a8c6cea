using System.Net;

namespace PaymentPlatform.Platform.Tests.Gateway;

/// <summary>Idempotency-Key on the money-moving routes, through the real platform (two gateway replicas behind the front door).</summary>
[Collection(PlatformCollection.Name)]
public class IdempotencyTests(PlatformFixture fixture)
{
    [Fact]
    public async Task ARetryWithTheSameKeyReplaysTheFirstStatusAndBodyAndWritesNothingMore()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var request = GatewayRequests.Payment(1234);
        using var first = await merchant.Client.PostAsync("/v1/payments", request, "order-1");
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        using var retry = await merchant.Client.PostAsync("/v1/payments", request, "order-1");
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(firstBody, await retry.Content.ReadAsStringAsync());
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, await fixture.App.CountAsync("SELECT count(*) FROM payments WHERE merchant_id = $1", merchant.Id));
        Assert.Equal(1, await fixture.App.CountAsync("SELECT count(*) FROM events WHERE merchant_id = $1 AND type = 'payment.authorized'", merchant.Id));
    }

    [Fact]
    public async Task ADeclineIsReplayedToo()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var declined = await (await merchant.Client.PostAsync("/v1/payments", GatewayRequests.Payment(card: "4000000000000002"), "declined-1"))
            .ExpectProblemAsync(HttpStatusCode.PaymentRequired, "card_declined");
        var again = await (await merchant.Client.PostAsync("/v1/payments", GatewayRequests.Payment(card: "4000000000000002"), "declined-1"))
            .ExpectProblemAsync(HttpStatusCode.PaymentRequired, "card_declined");
        Assert.Equal(declined.GetProperty("payment_id").GetString(), again.GetProperty("payment_id").GetString());
    }

    [Fact]
    public async Task TheSameKeyWithADifferentRequestIs422AndChangesNothing()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var card = Probes.NewCardNumber();
        await (await merchant.Client.PostAsync("/v1/payments", GatewayRequests.Payment(1000, card: card), "order-2")).ExpectAsync(HttpStatusCode.Created);

        await (await merchant.Client.PostAsync("/v1/payments", GatewayRequests.Payment(2000, card: card), "order-2")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        await (await merchant.Client.PostAsync("/v1/payments", GatewayRequests.Payment(1000), "order-2")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Equal(1, await fixture.App.CountAsync("SELECT count(*) FROM payments WHERE merchant_id = $1", merchant.Id));
        Assert.Equal(1, await fixture.App.CountAsync("SELECT count(*) FROM payments WHERE merchant_id = $1 AND amount = 1000", merchant.Id));
    }

    [Fact]
    public async Task ARequestRejectedByValidationIsNotStoredSoTheKeyStaysFree()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        await (await merchant.Client.PostAsync("/v1/payments", new { amount = -5, currency = "usd", payment_method = GatewayRequests.Card() }, "order-3"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal(0, await fixture.App.CountAsync("SELECT count(*) FROM idempotency_keys WHERE merchant_id = $1", merchant.Id));

        await (await merchant.Client.PostAsync("/v1/payments", GatewayRequests.Payment(1000), "order-3")).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(1, await fixture.App.CountAsync("SELECT count(*) FROM idempotency_keys WHERE merchant_id = $1 AND finished_at IS NOT NULL", merchant.Id));
    }

    [Fact]
    public async Task KeysBelongToTheirMerchant()
    {
        using var one = await fixture.App.CreateMerchantAsync();
        using var two = await fixture.App.CreateMerchantAsync();
        var a = await (await one.Client.PostAsync("/v1/payments", GatewayRequests.Payment(1000), "shared-key")).ExpectAsync(HttpStatusCode.Created);
        var b = await (await two.Client.PostAsync("/v1/payments", GatewayRequests.Payment(3000), "shared-key")).ExpectAsync(HttpStatusCode.Created);
        Assert.NotEqual(a.GetProperty("id").GetString(), b.GetProperty("id").GetString());
    }

    [Fact]
    public async Task FiftyIdenticalRequestsAtOnceLeaveOnePaymentOneHoldAndOneEvent()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        using var start = new SemaphoreSlim(0);
        var burst = GatewayRequests.Payment(777);
        var requests = Enumerable.Range(0, 50).Select(async _ =>
        {
            await start.WaitAsync();
            using var response = await merchant.Client.PostAsync("/v1/payments", burst, "burst-1");
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }).ToList();
        start.Release(50);
        var answers = await Task.WhenAll(requests);

        // Each answer is the payment (first or replayed) or "in flight, retry"; nothing else.
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{a.StatusCode}: {a.Body}"));
        Assert.All(answers.Where(a => a.StatusCode == HttpStatusCode.Conflict), a => Assert.Contains("idempotency_key_in_use", a.Body, StringComparison.Ordinal));
        Assert.Single(answers.Where(a => a.StatusCode == HttpStatusCode.Created).Select(a => a.Body).Distinct());
        Assert.Equal(1, await fixture.App.CountAsync("SELECT count(*) FROM payments WHERE merchant_id = $1", merchant.Id));
        Assert.Equal(1, await fixture.App.CountAsync("SELECT count(*) FROM events WHERE merchant_id = $1", merchant.Id));
        var paymentId = Assert.Single(await Probes.QueryAsync((await fixture.App.GetConnectionStringAsync("paymentsdb"))!,
            "SELECT id FROM payments WHERE merchant_id = $1", merchant.Id))[0]!.ToString()!;
        var ledgerDb = (await fixture.App.GetConnectionStringAsync("ledgerdb"))!;
        Assert.Single(await Probes.QueryAsync(ledgerDb, "SELECT id FROM transfers WHERE id LIKE $1 || ':%'", paymentId));

        // Once the first finished, a retry gets the payment.
        var retried = await (await merchant.Client.PostAsync("/v1/payments", burst, "burst-1")).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(paymentId, retried.GetProperty("id").GetString());
    }

    [Fact]
    public async Task CaptureAndRefundReplayTheirFirstAnswerAndMoveMoneyOnce()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var paymentId = await merchant.NewPaymentAsync(5000);

        var captured = await (await merchant.Client.PostAsync($"/v1/payments/{paymentId}/capture", new { amount_to_capture = 4000 }, "cap-1")).ExpectAsync(HttpStatusCode.OK);
        using var capturedAgain = await merchant.Client.PostAsync($"/v1/payments/{paymentId}/capture", new { amount_to_capture = 4000 }, "cap-1");
        Assert.Equal(HttpStatusCode.OK, capturedAgain.StatusCode);
        Assert.Equal("true", capturedAgain.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(captured.GetRawText(), (await capturedAgain.ReadJsonAsync()).GetRawText());
        await (await merchant.Client.PostAsync($"/v1/payments/{paymentId}/capture", new { amount_to_capture = 3000 }, "cap-1"))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");

        var refund = await (await merchant.Client.PostAsync("/v1/refunds", new { payment = paymentId, amount = 1000 }, "ref-1")).ExpectAsync(HttpStatusCode.Created);
        var refundAgain = await (await merchant.Client.PostAsync("/v1/refunds", new { payment = paymentId, amount = 1000 }, "ref-1")).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(refund.GetProperty("id").GetString(), refundAgain.GetProperty("id").GetString());
        Assert.Equal(1, await fixture.App.CountAsync("SELECT count(*) FROM refunds WHERE payment_id = $1", paymentId));
        var payment = await (await merchant.Client.GetAsync(new Uri($"/v1/payments/{paymentId}", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1000, payment.GetProperty("amount_refunded").GetInt64());
        Assert.Equal(4000, payment.GetProperty("amount_captured").GetInt64());
    }

    [Fact]
    public async Task AKeyLongerThan255CharactersIs400()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/payments") { Content = System.Net.Http.Json.JsonContent.Create(GatewayRequests.Payment()) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", new string('k', 256));
        await (await merchant.Client.SendAsync(request)).ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal(0, await fixture.App.CountAsync("SELECT count(*) FROM payments WHERE merchant_id = $1", merchant.Id));
    }
}
