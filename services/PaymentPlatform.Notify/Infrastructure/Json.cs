using System.Text.Json;

namespace PaymentPlatform.Notify.Infrastructure;

/// <summary>The platform's wire format: snake_case.</summary>
internal static class Json
{
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
        return options;
    }
}
