namespace PaymentPlatform.Ledger.Benchmarks;

/// <summary>Latency percentiles of a set of measurements, in milliseconds.</summary>
internal readonly record struct Percentiles(double P50, double P99, double Max, int Count)
{
    public static Percentiles Of(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        double At(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Percentiles(At(50), At(99), At(100), sorted.Length);
    }
}
