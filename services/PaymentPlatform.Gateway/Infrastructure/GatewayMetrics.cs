using System.Diagnostics.Metrics;

namespace PaymentPlatform.Gateway.Infrastructure;

/// <summary>The gateway's own instruments (meter <c>PaymentPlatform.Gateway</c>); OpenTelemetry exports every <c>PaymentPlatform.*</c> meter.</summary>
internal sealed class GatewayMetrics
{
    public const string MeterName = "PaymentPlatform.Gateway";

    private readonly Counter<long> _payments;
    private readonly Counter<long> _idempotencyOutcomes;
    private readonly Counter<long> _redisUnavailable;
    private readonly Counter<long> _completed;

    public GatewayMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _payments = meter.CreateCounter<long>("gateway.payments", "{payment}", "Payments created, by outcome (the status they were answered with).");
        _idempotencyOutcomes = meter.CreateCounter<long>("gateway.idempotency.requests", "{request}",
            "Requests with an Idempotency-Key, by what the key decided: new, replayed, resumed, in_flight, mismatch.");
        _redisUnavailable = meter.CreateCounter<long>("gateway.idempotency.redis_unavailable", "{request}",
            "Keyed requests whose Redis lock could not be had in time; the database alone decided.");
        _completed = meter.CreateCounter<long>("gateway.completer.completed", "{operation}", "Abandoned work finished by the background completer, by kind.");
    }

    public void PaymentCreated(string status, string currency) =>
        _payments.Add(1, new KeyValuePair<string, object?>("outcome", status), new KeyValuePair<string, object?>("currency", currency));

    public void Idempotency(string outcome) => _idempotencyOutcomes.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void IdempotencyRedisUnavailable() => _redisUnavailable.Add(1);

    public void Completed(string kind) => _completed.Add(1, new KeyValuePair<string, object?>("kind", kind));
}
