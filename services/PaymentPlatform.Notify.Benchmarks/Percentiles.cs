namespace PaymentPlatform.Notify.Benchmarks;

internal static class Percentiles
{
    public static double Of(IReadOnlyList<double> sorted, double percentile) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static string Describe(List<double> valuesMs)
    {
        valuesMs.Sort();
        return $"p50 {Of(valuesMs, 50):0.0} ms, p99 {Of(valuesMs, 99):0.0} ms, max {Of(valuesMs, 100):0.0} ms (n={valuesMs.Count})";
    }
}
