using System.Net;
using System.Net.Http.Headers;
using PaymentPlatform.ServiceDefaults.Resilience;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace PaymentPlatform.ServiceDefaults.Tests;

public class TransienceTests
{
    [Theory]
    [InlineData(500, true)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(504, true)]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(200, false)]
    [InlineData(201, false)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(404, false)]
    [InlineData(409, false)]
    [InlineData(422, false)]
    public void ServerErrorsRequestTimeoutAndTooManyRequestsAreTransient(int status, bool transient)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);

        Assert.Equal(transient, HttpTransience.IsTransient(Outcome.FromResult(response)));
    }

    [Fact]
    public void ConnectionFailuresAndAttemptTimeoutsAreTransient()
    {
        Assert.True(HttpTransience.IsTransient(Outcome.FromException<HttpResponseMessage>(new HttpRequestException("refused"))));
        Assert.True(HttpTransience.IsTransient(Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException())));
    }

    [Fact]
    public void CancellationAnOpenCircuitAndOtherExceptionsAreNotTransient()
    {
        Assert.False(HttpTransience.IsTransient(Outcome.FromException<HttpResponseMessage>(new OperationCanceledException())));
        Assert.False(HttpTransience.IsTransient(Outcome.FromException<HttpResponseMessage>(new BrokenCircuitException())));
        Assert.False(HttpTransience.IsTransient(Outcome.FromException<HttpResponseMessage>(new InvalidOperationException())));
    }

    [Theory]
    [InlineData("GET", false, true)]
    [InlineData("HEAD", false, true)]
    [InlineData("PUT", false, true)]
    [InlineData("DELETE", false, true)]
    [InlineData("POST", false, false)]
    [InlineData("PATCH", false, false)]
    [InlineData("POST", true, true)]
    [InlineData("PATCH", true, true)]
    public void UnsafeMethodsMayBeRetriedOnlyWithAnIdempotencyKey(string method, bool withKey, bool mayRetry)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "http://ledger/v1/transfers");
        if (withKey)
        {
            request.Headers.Add("Idempotency-Key", "pay_1:capture");
        }

        Assert.Equal(mayRetry, HttpTransience.MayRetry(request));
    }

    [Fact]
    public void RetryAfterIsReadAsSecondsOrAsADate()
    {
        using var seconds = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        seconds.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
        using var date = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        date.Headers.RetryAfter = new RetryConditionHeaderValue(DateTimeOffset.UtcNow.AddSeconds(30));
        using var none = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);

        Assert.Equal(TimeSpan.FromSeconds(7), HttpTransience.RetryAfter(Outcome.FromResult(seconds), TimeProvider.System));
        Assert.InRange(HttpTransience.RetryAfter(Outcome.FromResult(date), TimeProvider.System)!.Value, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(31));
        Assert.Null(HttpTransience.RetryAfter(Outcome.FromResult(none), TimeProvider.System));
    }
}
