using System.Text.Json;
using System.Text.Json.Serialization;

namespace PaymentPlatform.Gateway.Infrastructure;

/// <summary>The platform's wire format: snake_case property names, for the public API and internal calls alike. Dictionary keys (metadata) are kept as the merchant wrote them.</summary>
internal static class Json
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>
    /// For the bodies of capture, cancel and refund: as <see cref="Options"/>, but a number must be a JSON
    /// number (the web defaults also read "500"), so a wrong type is a 400 rather than a guess.
    /// </summary>
    public static readonly JsonSerializerOptions StrictOptions = new(Options) { NumberHandling = JsonNumberHandling.Strict };

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        return options;
    }
}
