using System.Collections.Concurrent;
using PaymentPlatform.Load.Engine;
using PaymentPlatform.Load.Scenarios.Payments;

namespace PaymentPlatform.Load.Scenarios.Handles;

/// <summary>
/// Payment-handle validations (the reference workload): each makes the gateway call the directory
/// twice, risk once and Redis once. The handles follow the simulated directory's rules: most
/// exist, <c>unknown…</c> ones do not, <c>inactive…</c> ones exist but cannot receive.
/// </summary>
public sealed class HandlesScenario(GatewayClient gateway, LoadMerchants merchants) : IScenario
{
    private static readonly string[] Psps = ["okhdfcbank", "okaxis", "oksbi", "okicici", "ybl", "paytm"];

    public string Name => "handles";

    public IReadOnlyList<string> Operations { get; } = ["POST /v1/payment_handles/validate"];

    /// <summary>Every handle's first answer, for the verification to ask again.</summary>
    public ConcurrentDictionary<string, HandleValidation> Answers { get; } = new(StringComparer.Ordinal);

    /// <summary>The handle arrival <paramref name="index"/> validates; a fifth of the handles repeat, as customers come back.</summary>
    public static string HandleFor(long index)
    {
        var n = index % 5 == 0 ? index / 5 % 1000 : index;
        var psp = Psps[n % Psps.Length];
        return (n % 20) switch
        {
            0 or 1 => $"unknown{n}@{psp}",
            2 => $"inactive{n}@{psp}",
            _ => $"customer.{n}@{psp}",
        };
    }

    /// <summary>What ValAdd must say: only <c>unknown…</c> and <c>invalid…</c> handles do not exist.</summary>
    public static bool Exists(string handle) =>
        !handle.StartsWith("unknown", StringComparison.Ordinal) && !handle.StartsWith("invalid", StringComparison.Ordinal);

    public async Task ExecuteAsync(Arrival arrival, IOutcomeRecorder recorder, CancellationToken cancellationToken)
    {
        var handle = HandleFor(arrival.Index);
        var merchant = merchants[(int)(arrival.Index % merchants.Count)];
        Outcome outcome;
        try
        {
            var answer = await gateway.ValidateHandleAsync(merchant.SecretKey, handle, cancellationToken).ConfigureAwait(false);
            if (answer.Value is { } validation)
            {
                Answers.TryAdd(handle, validation);
                outcome = Outcome.Expected(validation.Valid ? "valid" : "not valid");
            }
            else
            {
                outcome = Outcome.Error(answer.Kind);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            outcome = Outcome.FromException(ex);
        }
        recorder.Record(0, arrival.DueTimestamp, outcome);
    }
}
