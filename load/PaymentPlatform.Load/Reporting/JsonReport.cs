using System.Text.Json;
using System.Text.Json.Serialization;

namespace PaymentPlatform.Load.Reporting;

/// <summary>The report as JSON (snake_case), for comparing runs by machine.</summary>
public static class JsonReport
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Render(RunReport report) => JsonSerializer.Serialize(report, Options);

    public static RunReport? Parse(string json) => JsonSerializer.Deserialize<RunReport>(json, Options);
}
