using PaymentPlatform.Risk.Velocity;

namespace PaymentPlatform.Risk.Rules;

/// <summary>
/// A logistic model: score = 100 * sigmoid(intercept + sum(weight * feature)), with the weights
/// from configuration. Counts enter as ln(1 + count), so one weight suits small and large counts.
/// </summary>
public static class RiskModel
{
    /// <summary>Where the velocity counts start among the features.</summary>
    public const int VelocityOffset = 4;

    public static readonly IReadOnlyList<string> FeatureNames = BuildNames();

    /// <summary>The probability-like score 0-100.</summary>
    /// <param name="velocity">The counts, or null when Redis was unavailable (velocity features are then 0).</param>
    public static int Score(RiskPolicy policy, long amount, bool countryMismatch, bool ipMissing, bool deviceMissing, long[]? velocity)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var w = policy.Weights;
        var z = policy.Intercept
            + (w[0] * Math.Log10(1 + (double)Math.Max(amount, 0)))
            + (countryMismatch ? w[1] : 0)
            + (ipMissing ? w[2] : 0)
            + (deviceMissing ? w[3] : 0);
        if (velocity is not null)
        {
            for (var i = 0; i < VelocityDimensions.Count; i++)
            {
                var weight = w[VelocityOffset + i];
                if (weight != 0 && velocity[i] > 0)
                {
                    z += weight * Math.Log(1 + velocity[i]);
                }
            }
        }
        return (int)Math.Round(100 / (1 + Math.Exp(-z)), MidpointRounding.AwayFromZero);
    }

    private static string[] BuildNames()
    {
        var names = new List<string> { "amount_log10", "country_mismatch", "ip_missing", "device_missing" };
        for (var key = 0; key < VelocityDimensions.Keys.Count; key++)
        {
            for (var counter = 0; counter < VelocityDimensions.Counters.Count; counter++)
            {
                for (var window = 0; window < VelocityDimensions.Windows.Count; window++)
                {
                    names.Add(VelocityDimensions.Name(key, counter, window));
                }
            }
        }
        return [.. names];
    }
}
