using PaymentPlatform.Load.Engine;
using PaymentPlatform.Load.Scenarios.Handles;
using PaymentPlatform.Load.Scenarios.Payments;

namespace PaymentPlatform.Load.Faults;

/// <summary>
/// The payments workload under faults, plus, when a key is given, a handle validation on every
/// <see cref="ValidationEvery"/>th arrival (the directory's path: a fault of the directory has something to break). Every error an
/// operation ends with goes to the <see cref="ErrorLog"/> with its time, beside the usual measurements.
/// </summary>
public sealed class FaultsScenario(IScenario payments, GatewayClient gateway, string? validationSecretKey, ErrorLog log) : IScenario
{
    public const int ValidationEvery = 4;

    public string Name => "faults";

    public IReadOnlyList<string> Operations { get; } = validationSecretKey is null ? payments.Operations : [.. payments.Operations, "POST /v1/payment_handles/validate (1 in 4 arrivals)"];

    public Task ExecuteAsync(Arrival arrival, IOutcomeRecorder recorder, CancellationToken cancellationToken)
    {
        var tap = new Tap(recorder, log, Operations);
        var work = payments.ExecuteAsync(arrival, tap, cancellationToken);
        return validationSecretKey is { } key && arrival.Index % ValidationEvery == 0 ? Task.WhenAll(work, ValidateAsync(key, arrival, tap, cancellationToken)) : work;
    }

    private async Task ValidateAsync(string secretKey, Arrival arrival, IOutcomeRecorder recorder, CancellationToken cancellationToken)
    {
        Outcome outcome;
        try
        {
            var answer = await gateway.ValidateHandleAsync(secretKey, HandlesScenario.HandleFor(arrival.Index / ValidationEvery), cancellationToken).ConfigureAwait(false);
            outcome = answer.Value is { } validation ? Outcome.Expected(validation.Valid ? "valid" : "not valid") : Outcome.Error(answer.Kind);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            outcome = Outcome.FromException(ex);
        }
        recorder.Record(Operations.Count - 1, arrival.DueTimestamp, outcome);
    }

    /// <summary>Passes every outcome on, and logs the errors with their time.</summary>
    private sealed class Tap(IOutcomeRecorder inner, ErrorLog log, IReadOnlyList<string> operations) : IOutcomeRecorder
    {
        public void Record(int operation, long startTimestamp, Outcome outcome)
        {
            if (outcome.IsError)
            {
                log.Failed(outcome.Kind, operations[operation]);
            }
            inner.Record(operation, startTimestamp, outcome);
        }
    }
}
