using System.Diagnostics.Metrics;

namespace PaymentPlatform.ServiceDefaults.Resilience;

/// <summary>The <c>PaymentPlatform.Resilience</c> meter: retries, circuit state changes and rejections per client.</summary>
internal sealed class ResilienceTelemetry
{
    public const string MeterName = "PaymentPlatform.Resilience";

    private readonly Counter<long> retries;
    private readonly Counter<long> circuitStateChanges;
    private readonly Counter<long> rejections;

    public ResilienceTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        retries = meter.CreateCounter<long>(
            "paymentplatform.resilience.retries", "{retry}", "Retries of internal calls, by client and the outcome that caused them.");
        circuitStateChanges = meter.CreateCounter<long>(
            "paymentplatform.resilience.circuit_state_changes", "{change}", "Circuit breaker state changes, by client and new state.");
        rejections = meter.CreateCounter<long>(
            "paymentplatform.resilience.rejections", "{call}", "Internal calls rejected by the rate limiter, by client.");
    }

    public void Retried(string client, string outcome) =>
        retries.Add(1, new KeyValuePair<string, object?>("client", client), new KeyValuePair<string, object?>("outcome", outcome));

    public void CircuitStateChanged(string client, string state) =>
        circuitStateChanges.Add(1, new KeyValuePair<string, object?>("client", client), new KeyValuePair<string, object?>("state", state));

    public void Rejected(string client, string reason) =>
        rejections.Add(1, new KeyValuePair<string, object?>("client", client), new KeyValuePair<string, object?>("reason", reason));
}
