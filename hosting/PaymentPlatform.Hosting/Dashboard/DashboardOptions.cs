using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;

namespace PaymentPlatform.Hosting.Dashboard;

/// <summary>
/// How much telemetry the dashboard keeps in memory. The defaults are the Aspire dashboard's
/// (<c>Dashboard:TelemetryLimits:*</c>, same names); the oldest data goes first.
/// </summary>
public sealed class TelemetryLimits
{
    /// <summary>Structured log entries kept, across all resources.</summary>
    public int MaxLogCount { get; set; } = 10_000;

    /// <summary>Traces kept, across all resources.</summary>
    public int MaxTraceCount { get; set; } = 10_000;

    /// <summary>
    /// Metric points kept per resource instance, across its instruments and series. (Aspire applies
    /// its 50,000 per series; per resource keeps memory bounded whatever the attribute cardinality.)
    /// </summary>
    public int MaxMetricsCount { get; set; } = 50_000;

    /// <summary>Attributes kept per span, log entry, event or data point; the rest are dropped.</summary>
    public int MaxAttributeCount { get; set; } = 128;

    /// <summary>Characters kept per attribute value; longer values are cut.</summary>
    public int MaxAttributeLength { get; set; } = int.MaxValue;

    /// <summary>Events kept per span.</summary>
    public int MaxSpanEventCount { get; set; } = int.MaxValue;

    /// <summary>
    /// Spans kept per trace (not an Aspire setting): one runaway trace, such as a loop that never
    /// ends its root activity, cannot take all the memory. Further spans are rejected.
    /// </summary>
    public int MaxSpansPerTrace { get; set; } = 10_000;
}

/// <summary>The dashboard's settings: secrets, limits and the OTLP request size.</summary>
public sealed record DashboardOptions
{
    /// <summary>The token in the login URL; the API also accepts it as <c>Authorization: Bearer</c>.</summary>
    public required string BrowserToken { get; init; }

    /// <summary>The value every OTLP request must carry in <c>x-otlp-api-key</c>.</summary>
    public required string OtlpApiKey { get; init; }

    /// <summary>What the store keeps.</summary>
    public TelemetryLimits Limits { get; init; } = new();

    /// <summary>
    /// The largest OTLP body accepted, after decompression. The OpenTelemetry exporters send at
    /// most 512 spans or log records per request, far below this.
    /// </summary>
    public long MaxRequestBodySize { get; init; } = 8 * 1024 * 1024;

    /// <summary>
    /// Reads <c>AppHost:BrowserToken</c>, <c>AppHost:OtlpApiKey</c> (each generated when absent),
    /// <c>Dashboard:TelemetryLimits:*</c> and <c>Dashboard:Otlp:MaxRequestBodySize</c>, and
    /// validates them.
    /// </summary>
    public static DashboardOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var limits = new TelemetryLimits();
        configuration.GetSection("Dashboard:TelemetryLimits").Bind(limits);
        var options = new DashboardOptions
        {
            BrowserToken = NonEmpty(configuration[DashboardConfigNames.BrowserToken]) ?? GenerateSecret(),
            OtlpApiKey = NonEmpty(configuration[DashboardConfigNames.OtlpApiKey]) ?? GenerateSecret(),
            Limits = limits,
            MaxRequestBodySize = configuration.GetValue("Dashboard:Otlp:MaxRequestBodySize", 8L * 1024 * 1024),
        };
        options.Validate();
        return options;
    }

    /// <summary>Fails with the name of the first setting that is out of range.</summary>
    public void Validate()
    {
        (string Name, long Value)[] positive =
        [
            ("Dashboard:TelemetryLimits:MaxLogCount", Limits.MaxLogCount),
            ("Dashboard:TelemetryLimits:MaxTraceCount", Limits.MaxTraceCount),
            ("Dashboard:TelemetryLimits:MaxMetricsCount", Limits.MaxMetricsCount),
            ("Dashboard:TelemetryLimits:MaxAttributeCount", Limits.MaxAttributeCount),
            ("Dashboard:TelemetryLimits:MaxAttributeLength", Limits.MaxAttributeLength),
            ("Dashboard:TelemetryLimits:MaxSpanEventCount", Limits.MaxSpanEventCount),
            ("Dashboard:TelemetryLimits:MaxSpansPerTrace", Limits.MaxSpansPerTrace),
            ("Dashboard:Otlp:MaxRequestBodySize", MaxRequestBodySize),
        ];
        foreach (var (name, value) in positive)
        {
            if (value <= 0)
            {
                throw new DistributedApplicationException($"'{name}' must be greater than zero; it is {value}.");
            }
        }
        if (string.IsNullOrWhiteSpace(BrowserToken) || string.IsNullOrWhiteSpace(OtlpApiKey))
        {
            throw new DistributedApplicationException($"The dashboard needs a browser token ('{DashboardConfigNames.BrowserToken}') and an OTLP API key ('{DashboardConfigNames.OtlpApiKey}').");
        }
    }

    /// <summary>A fresh random secret: 32 hex characters (128 bits).</summary>
    public static string GenerateSecret() => RandomNumberGenerator.GetHexString(32, lowercase: true);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

/// <summary>Configuration keys of the dashboard (Aspire's names where Aspire has one).</summary>
public static class DashboardConfigNames
{
    /// <summary>The browser token; generated per run when not set.</summary>
    public const string BrowserToken = "AppHost:BrowserToken";

    /// <summary>The OTLP API key; generated per run when not set. Same key as <see cref="Orchestration.KnownConfigNames.OtlpApiKey"/>.</summary>
    public const string OtlpApiKey = Orchestration.KnownConfigNames.OtlpApiKey;
}
