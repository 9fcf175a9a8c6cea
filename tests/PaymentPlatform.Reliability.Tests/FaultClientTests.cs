using System.Net;
using System.Text;
using PaymentPlatform.Load.Cli;
using PaymentPlatform.Load.Faults;

namespace PaymentPlatform.Reliability.Tests;

/// <summary>The fault suite's client retries and its choice of faults, without a platform: quick, and exact about what is retried.</summary>
public sealed class FaultClientTests
{
    private static HttpRequestMessage Create(string? key = "key-1")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "http://gateway/v1/payments") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }
        return request;
    }

    private static HttpResponseMessage Problem(HttpStatusCode status, string code) =>
        new(status) { Content = new StringContent($$"""{"type":"https://paymentplatform.dev/problems/{{code}}","code":"{{code}}"}""", Encoding.UTF8, "application/problem+json") };

    [Fact]
    public async Task A5xxCreateIsRetriedWithTheSameKeyAndEachFailedAttemptIsLogged()
    {
        var inner = new Scripted(_ => Problem(HttpStatusCode.ServiceUnavailable, "risk_unavailable"), _ => Problem(HttpStatusCode.ServiceUnavailable, "risk_unavailable"), _ => new HttpResponseMessage(HttpStatusCode.Created));
        var log = new ErrorLog();
        using var client = new HttpMessageInvoker(new RetryingHandler(log, TimeSpan.FromSeconds(5), 4, TimeSpan.FromMinutes(1), inner));

        using var response = await client.SendAsync(Create(), CancellationToken.None);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(["key-1", "key-1", "key-1"], inner.Keys);
        Assert.Equal(["503 risk_unavailable", "503 risk_unavailable"], log.All.Select(e => e.Kind));
        Assert.All(log.All, e => Assert.True(e.Retried));
        Assert.All(log.All, e => Assert.Equal("POST /v1/payments", e.Operation));
    }

    [Fact]
    public async Task NoAttemptStartsOnceTheRetryBudgetIsSpent()
    {
        var inner = new Scripted(_ => Problem(HttpStatusCode.BadGateway, "ledger_unavailable"));
        using var client = new HttpMessageInvoker(new RetryingHandler(new ErrorLog(), TimeSpan.FromSeconds(5), 20, TimeSpan.Zero, inner));

        using var response = await client.SendAsync(Create(), CancellationToken.None);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Single(inner.Keys);
    }

    [Fact]
    public async Task APostWithoutAKeyIsNeverRetried()
    {
        var inner = new Scripted(_ => Problem(HttpStatusCode.ServiceUnavailable, "directory_unavailable"));
        var log = new ErrorLog();
        using var client = new HttpMessageInvoker(new RetryingHandler(log, TimeSpan.FromSeconds(5), 4, TimeSpan.FromMinutes(1), inner));

        using var response = await client.SendAsync(Create(key: null), CancellationToken.None);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Single(inner.Keys);
        Assert.Empty(log.All);
    }

    [Fact]
    public async Task A409KeyInUseIsRetriedButOther409sAndFourHundredsAreAnswers()
    {
        var inUse = new Scripted(_ => Problem(HttpStatusCode.Conflict, "idempotency_key_in_use"), _ => new HttpResponseMessage(HttpStatusCode.Created));
        var reused = new Scripted(_ => Problem(HttpStatusCode.Conflict, "pending_transfer_already_posted"));
        var invalid = new Scripted(_ => Problem(HttpStatusCode.BadRequest, "invalid_request"));
        foreach (var (inner, expected, calls) in new[] { (inUse, HttpStatusCode.Created, 2), (reused, HttpStatusCode.Conflict, 1), (invalid, HttpStatusCode.BadRequest, 1) })
        {
            using var client = new HttpMessageInvoker(new RetryingHandler(new ErrorLog(), TimeSpan.FromSeconds(5), 4, TimeSpan.FromMinutes(1), inner));
            using var response = await client.SendAsync(Create(), CancellationToken.None);
            Assert.Equal(expected, response.StatusCode);
            Assert.Equal(calls, inner.Keys.Count);
        }
    }

    [Fact]
    public async Task AnAttemptWithoutAnAnswerTimesOutAndTheLastOneFailsAsATimeout()
    {
        var inner = new Scripted(Enumerable.Repeat<Func<CancellationToken, HttpResponseMessage>>(ct =>
        {
            // No answer until the attempt's time-out cancels it, as a frozen server behaves.
            ct.WaitHandle.WaitOne();
            ct.ThrowIfCancellationRequested();
            return new HttpResponseMessage(HttpStatusCode.OK);
        }, 2).ToArray());
        var log = new ErrorLog();
        using var client = new HttpMessageInvoker(new RetryingHandler(log, TimeSpan.FromMilliseconds(200), 2, TimeSpan.FromMinutes(1), inner));

        var ex = await Assert.ThrowsAsync<TaskCanceledException>(() => client.SendAsync(Create(), CancellationToken.None));

        Assert.IsType<TimeoutException>(ex.InnerException);
        Assert.Equal(2, inner.Keys.Count);
        Assert.Equal(["timeout"], log.All.Select(e => e.Kind));
    }

    [Fact]
    public async Task ErrorsGroupByRouteWithIdsReplaced()
    {
        var inner = new Scripted(_ => Problem(HttpStatusCode.BadGateway, "ledger_unavailable"), _ => new HttpResponseMessage(HttpStatusCode.OK));
        var log = new ErrorLog();
        using var client = new HttpMessageInvoker(new RetryingHandler(log, TimeSpan.FromSeconds(5), 2, TimeSpan.FromMinutes(1), inner));
        using var capture = new HttpRequestMessage(HttpMethod.Post, "http://gateway/v1/payments/pay_3Fq9x7Lk2mZ/capture");
        capture.Headers.Add("Idempotency-Key", "key-1-capture");

        using var response = await client.SendAsync(capture, CancellationToken.None);

        Assert.Equal("POST /v1/payments/{id}/capture", Assert.Single(log.All).Operation);
    }

    [Fact]
    public void FaultsAreChosenByNameInTheOrderGivenAndAnUnknownNameIsAUsageError()
    {
        var options = LoadOptions.Parse(["--scenario", "faults", "--faults", "kill-redis, kill-gateway", "--fault-gap", "20"]);

        Assert.Equal(["kill-redis", "kill-gateway"], FaultCatalog.Select(options.Faults).Select(f => f.Name));
        Assert.Equal(TimeSpan.FromSeconds(20), options.FaultGap);
        Assert.Equal(FaultCatalog.All.Count, FaultCatalog.Select([]).Count);
        Assert.Equal(FaultCatalog.All.Count, FaultCatalog.All.Select(f => f.Name).Distinct().Count());
        var ex = Assert.Throws<FormatException>(() => FaultCatalog.Select(["kill-everything"]));
        Assert.Contains("kill-gateway", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheScheduleHoldsABaselineAGapPerFaultAndATail()
    {
        var options = LoadOptions.Parse(["--scenario", "faults", "--faults", "kill-gateway,kill-redis", "--fault-gap", "15", "--ramp", "1", "--warmup", "2"]);

        var plan = FaultTimeline.Plan(options, 2);

        Assert.Equal(TimeSpan.FromSeconds(1 + 2) + FaultTimeline.Baseline + TimeSpan.FromSeconds(30) + FaultTimeline.Tail, plan.Duration);
        Assert.Equal(TimeSpan.FromSeconds(3) + FaultTimeline.Baseline + TimeSpan.FromSeconds(15), FaultTimeline.DueAt(options, 1));
        Assert.Equal(20, plan.RateAt(plan.Duration - TimeSpan.FromSeconds(1)));
    }

    /// <summary>Answers each call with the next function of its script (the last one repeats), recording the key sent.</summary>
    private sealed class Scripted(params Func<CancellationToken, HttpResponseMessage>[] script) : HttpMessageHandler
    {
        public List<string?> Keys { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Keys.Add(request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null);
            var step = script[Math.Min(Keys.Count - 1, script.Length - 1)];
            return Task.Run(() => step(cancellationToken), CancellationToken.None);
        }
    }
}
