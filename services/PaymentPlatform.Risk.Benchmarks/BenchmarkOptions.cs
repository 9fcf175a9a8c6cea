using System.Globalization;

namespace PaymentPlatform.Risk.Benchmarks;

internal sealed record BenchmarkOptions(bool Client, Uri? Url, string? Token, int Rate, int Duration, int Warmup, int Callers, double BudgetMs)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        string? Value(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        int Int(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new BenchmarkOptions(
            args.Contains("--client"),
            Value("--url") is { } url ? new Uri(url) : null,
            Value("--token"),
            Rate: Int("--rate", 2000),
            Duration: Int("--duration", 20),
            Warmup: Int("--warmup", 5),
            Callers: Int("--callers", 16),
            BudgetMs: Value("--budget-ms") is { } b ? double.Parse(b, CultureInfo.InvariantCulture) : 1.0);
    }
}

/// <summary>Percentiles of latencies in milliseconds, nearest-rank.</summary>
internal sealed record Percentiles(int Count, double P50, double P90, double P99, double P999, double Max)
{
    public static Percentiles Of(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        if (sorted.Length == 0)
        {
            return new Percentiles(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }
        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Percentiles(sorted.Length, At(0.50), At(0.90), At(0.99), At(0.999), sorted[^1]);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"n={Count,7}  p50={P50,7:0.000}  p90={P90,7:0.000}  p99={P99,7:0.000}  p99.9={P999,7:0.000}  max={Max,8:0.000} ms");
}
