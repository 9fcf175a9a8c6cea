using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using PaymentPlatform.ServiceDefaults.Resilience;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace PaymentPlatform.ServiceDefaults.Tests;

public class ResilienceTests
{
    private const string Retries = "paymentplatform.resilience.retries";

    [Fact]
    public async Task TransientResponsesOfAGetAreRetriedLoggedAndCounted()
    {
        await using var ledger = await Upstream.StartAsync();
        ledger.Then(503).Then(502);
        var logs = new LogRecorder();
        await using var caller = await ClientHost.StartAsync("ledger", [ledger.BaseAddress], configure: s => s.AddSingleton<ILoggerProvider>(logs));
        using var metrics = new MetricRecorder(caller.Services, ResilienceTelemetry.MeterName);

        using var response = await caller.CreateClient("ledger").GetAsync("/v1/accounts/acc_1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, ledger.Calls.Count);
        Assert.Equal(2, metrics.Sum(Retries, "client", "ledger"));
        Assert.Equal(1, metrics.Sum(Retries, "outcome", "503"));
        var retryLogs = logs.Entries.Where(e => e.EventId.Name == "InternalCallRetry").ToList();
        Assert.Equal(2, retryLogs.Count);
        Assert.Contains("ledger GET /v1/accounts/acc_1 after 503", retryLogs[0].Message);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(409)]
    public async Task NonTransientResponsesAreNotRetried(int status)
    {
        await using var ledger = await Upstream.StartAsync();
        ledger.Then(status);
        await using var caller = await ClientHost.StartAsync("ledger", [ledger.BaseAddress]);

        using var response = await caller.CreateClient("ledger").GetAsync("/v1/accounts/acc_1");

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Single(ledger.Calls);
    }

    [Fact]
    public async Task RetryAfterFromTheServerSetsTheDelayBeforeTheRetry()
    {
        await using var ledger = await Upstream.StartAsync();
        ledger.Then(429, response => response.Headers.RetryAfter = "1");
        await using var caller = await ClientHost.StartAsync("ledger", [ledger.BaseAddress]);

        using var response = await caller.CreateClient("ledger").GetAsync("/v1/accounts/acc_1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var calls = ledger.Calls.ToArray();
        Assert.Equal(2, calls.Length);
        // The backoff is configured at 10 ms: only Retry-After explains a wait of about a second.
        Assert.True(Stopwatch.GetElapsedTime(calls[0].Timestamp, calls[1].Timestamp) >= TimeSpan.FromMilliseconds(900));
    }

    [Fact]
    public async Task PostWithoutAnIdempotencyKeyIsNotRetried()
    {
        await using var ledger = await Upstream.StartAsync();
        ledger.Then(503);
        await using var caller = await ClientHost.StartAsync("ledger", [ledger.BaseAddress]);

        using var response = await caller.CreateClient("ledger").PostAsJsonAsync("/v1/transfers", new { amount = 100 });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Single(ledger.Calls);
    }

    [Fact]
    public async Task PostWithAnIdempotencyKeyIsRetriedWithTheSameBodyAndKey()
    {
        await using var ledger = await Upstream.StartAsync();
        ledger.Then(503);
        await using var caller = await ClientHost.StartAsync("ledger", [ledger.BaseAddress]);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/transfers")
        {
            Content = JsonContent.Create(new { id = "pay_1:auth", amount = 100 }),
        };
        request.Headers.Add("Idempotency-Key", "pay_1:auth");

        using var response = await caller.CreateClient("ledger").SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var calls = ledger.Calls.ToArray();
        Assert.Equal(2, calls.Length);
        Assert.Equal("""{"id":"pay_1:auth","amount":100}""", calls[0].Body);
        Assert.Equal(calls[0].Body, calls[1].Body);
        Assert.All(calls, call => Assert.Equal("pay_1:auth", call.IdempotencyKey));
    }

    [Fact]
    public async Task AttemptTimeoutAbandonsASlowAttemptAndRetries()
    {
        await using var ledger = await Upstream.StartAsync();
        await using var caller = await ClientHost.StartAsync("ledger", [ledger.BaseAddress], new Dictionary<string, string?>
        {
            ["AttemptTimeout"] = "00:00:00.200",
        });
        var client = caller.CreateClient("ledger");
        await WarmUpAsync(client, ledger);
        ledger.Then(context => Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted));
        var started = Stopwatch.GetTimestamp();

        using var response = await client.GetAsync("/v1/accounts/acc_1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, ledger.Calls.Count);
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task TotalTimeoutBoundsTheWholeCallRetriesIncluded()
    {
        await using var ledger = await Upstream.StartAsync();
        await using var caller = await ClientHost.StartAsync("ledger", [ledger.BaseAddress], new Dictionary<string, string?>
        {
            ["AttemptTimeout"] = "00:00:00.300",
            ["TotalTimeout"] = "00:00:00.500",
            ["CircuitBreaker:SamplingDuration"] = "00:00:01",
        });
        var client = caller.CreateClient("ledger");
        await WarmUpAsync(client, ledger);
        ledger.Otherwise = context => Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
        var started = Stopwatch.GetTimestamp();

        var error = await Assert.ThrowsAsync<TimeoutRejectedException>(() => client.GetAsync("/v1/accounts/acc_1"));

        // The total timeout (500 ms) fired, not the attempt timeout (300 ms): it cut the retry short.
        Assert.Equal(TimeSpan.FromMilliseconds(500), error.Timeout);
        Assert.InRange(ledger.Calls.Count, 1, 2);
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task CircuitOpensOnFailuresThenHalfOpensAndClosesOnASuccessfulTrial()
    {
        await using var ledger = await Upstream.StartAsync();
        ledger.Then(500).Then(500);
        var logs = new LogRecorder();
        await using var caller = await ClientHost.StartAsync(
            "ledger",
            [ledger.BaseAddress],
            new Dictionary<string, string?>
            {
                ["Retry:MaxRetryAttempts"] = "0",
                ["CircuitBreaker:MinimumThroughput"] = "2",
                ["CircuitBreaker:FailureRatio"] = "0.5",
                ["CircuitBreaker:BreakDuration"] = "00:00:00.500",
            },
            s => s.AddSingleton<ILoggerProvider>(logs));
        using var metrics = new MetricRecorder(caller.Services, ResilienceTelemetry.MeterName);
        var client = caller.CreateClient("ledger");

        Assert.Equal(HttpStatusCode.InternalServerError, (await client.GetAsync("/v1/x")).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await client.GetAsync("/v1/x")).StatusCode);
        await Assert.ThrowsAsync<BrokenCircuitException>(() => client.GetAsync("/v1/x"));
        Assert.Equal(2, ledger.Calls.Count);

        // Poll until the break is over: the first call let through is the half-open trial.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        HttpResponseMessage? trial = null;
        while (trial is null)
        {
            try
            {
                trial = await client.GetAsync("/v1/x", deadline.Token);
            }
            catch (BrokenCircuitException)
            {
                await Task.Delay(25, deadline.Token);
            }
        }

        Assert.Equal(HttpStatusCode.OK, trial.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/x")).StatusCode);
        Assert.Equal(4, ledger.Calls.Count);
        const string changes = "paymentplatform.resilience.circuit_state_changes";
        Assert.Equal(1, metrics.Sum(changes, "state", "open"));
        Assert.Equal(1, metrics.Sum(changes, "state", "half_open"));
        Assert.Equal(1, metrics.Sum(changes, "state", "closed"));
        Assert.Equal(
            ["CircuitOpened", "CircuitHalfOpened", "CircuitClosed"],
            logs.Entries.Select(e => e.EventId.Name ?? "").Where(n => n.StartsWith("Circuit", StringComparison.Ordinal)).ToArray());
    }

    [Fact]
    public async Task RateLimiterRejectsCallsBeyondTheConcurrencyLimit()
    {
        await using var ledger = await Upstream.StartAsync();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ledger.Then(async context =>
        {
            entered.SetResult();
            await release.Task.WaitAsync(context.RequestAborted);
            await context.Response.WriteAsync("slow");
        });
        await using var caller = await ClientHost.StartAsync("ledger", [ledger.BaseAddress], new Dictionary<string, string?>
        {
            ["RateLimiter:PermitLimit"] = "1",
            ["RateLimiter:QueueLimit"] = "0",
        });
        using var metrics = new MetricRecorder(caller.Services, ResilienceTelemetry.MeterName);
        var client = caller.CreateClient("ledger");

        var first = client.GetStringAsync("/v1/x");
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<RateLimiterRejectedException>(() => client.GetAsync("/v1/x"));
        release.SetResult();

        Assert.Equal("slow", await first);
        Assert.Equal(1, metrics.Sum("paymentplatform.resilience.rejections", "client", "ledger"));
        Assert.Equal("ok", await client.GetStringAsync("/v1/x"));
    }

    /// <summary>
    /// Calls until one succeeds, so JIT and connection setup (in a fresh test process the
    /// first call can outlast a sub-second budget) do not count against the timeouts under
    /// test; the upstream's record starts empty afterwards.
    /// </summary>
    private static async Task WarmUpAsync(HttpClient client, Upstream upstream)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            try
            {
                Assert.Equal("ok", await client.GetStringAsync("/warm-up", deadline.Token));
                break;
            }
            catch (TimeoutRejectedException)
            {
            }
        }

        upstream.Calls.Clear();
    }
}
