namespace PaymentPlatform.Redis.Benchmarks;

/// <summary>One throughput figure with its latency percentiles.</summary>
internal sealed record Measurement(string Test, string Tool, double OpsPerSecond, double P50Ms, double P99Ms);
