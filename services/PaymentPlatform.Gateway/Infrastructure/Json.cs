using System.Text.Json;

namespace PaymentPlatform.Gateway.Infrastructure;

/// <summary>The platform's wire format: snake_case, for the public API and internal calls alike.</summary>
internal static class Json
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
        return options;
    }
}
