using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Resources;

namespace PaymentPlatform.ServiceDefaults.Telemetry;

/// <summary>The OTEL_* settings that decide how telemetry is set up.</summary>
internal sealed record TelemetrySettings(string ServiceName, bool HasInstanceId, bool ExportOtlp, string[] OwnSources)
{
    public static TelemetrySettings From(IConfiguration configuration, IHostEnvironment environment)
    {
        var attributes = ParseResourceAttributes(configuration["OTEL_RESOURCE_ATTRIBUTES"]);
        var serviceName = NonEmpty(configuration["OTEL_SERVICE_NAME"])
            ?? (attributes.TryGetValue("service.name", out var fromAttributes) ? NonEmpty(fromAttributes) : null)
            ?? environment.ApplicationName;

        var exportOtlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        string[] ownSources = serviceName == environment.ApplicationName
            ? [serviceName]
            : [serviceName, environment.ApplicationName];

        return new TelemetrySettings(serviceName, attributes.ContainsKey("service.instance.id"), exportOtlp, ownSources);
    }

    /// <summary>
    /// Applied after the SDK's default detectors (which read OTEL_SERVICE_NAME and
    /// OTEL_RESOURCE_ATTRIBUTES), so it only fills in what those left out.
    /// </summary>
    public void ConfigureResource(ResourceBuilder resource) =>
        resource.AddService(ServiceName, autoGenerateServiceInstanceId: !HasInstanceId);

    /// <summary>Parses <c>key1=value1,key2=value2</c> (values percent-encoded) as the OTel spec defines it.</summary>
    internal static Dictionary<string, string> ParseResourceAttributes(string? raw)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(raw))
        {
            return result;
        }

        foreach (var pair in raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                continue;
            }

            result[pair[..separator].Trim()] = Uri.UnescapeDataString(pair[(separator + 1)..].Trim());
        }

        return result;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
