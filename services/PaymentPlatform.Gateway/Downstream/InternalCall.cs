using System.Net.Http.Json;
using System.Text.Json;
using PaymentPlatform.Gateway.Infrastructure;
using Polly;

namespace PaymentPlatform.Gateway.Downstream;

/// <summary>One JSON POST to an internal service, with the Idempotency-Key that lets the pipeline retry it.</summary>
internal static class InternalCall
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static async Task<TResponse> PostAsync<TRequest, TResponse>(
        HttpClient http, string service, string path, TRequest body, string idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = JsonContent.Create(body, options: Json.Options),
        };
        request.Headers.Add(IdempotencyKeyHeader, idempotencyKey);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or ExecutionRejectedException)
        {
            throw new DownstreamException(service, unavailable: true, $"{service} {path}: {ex.GetType().Name}", ex);
        }

        using (response)
        {
            if ((int)response.StatusCode >= 500)
            {
                throw new DownstreamException(service, unavailable: true, $"{service} {path} answered {(int)response.StatusCode}.");
            }
            if (!response.IsSuccessStatusCode)
            {
                var problem = await response.Content.ReadAsStringAsync(cancellationToken);
                throw new DownstreamException(service, unavailable: false, $"{service} {path} answered {(int)response.StatusCode}: {Truncate(problem)}",
                    status: (int)response.StatusCode, code: ProblemCode(problem));
            }
            return await response.Content.ReadFromJsonAsync<TResponse>(Json.Options, cancellationToken)
                ?? throw new DownstreamException(service, unavailable: false, $"{service} {path} answered an empty body.");
        }
    }

    /// <summary>One JSON GET; null when the service answers 404.</summary>
    public static async Task<TResponse?> GetAsync<TResponse>(HttpClient http, string service, string path, CancellationToken cancellationToken)
        where TResponse : class
    {
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or ExecutionRejectedException)
        {
            throw new DownstreamException(service, unavailable: true, $"{service} {path}: {ex.GetType().Name}", ex);
        }
        using (response)
        {
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return null;
            }
            if (!response.IsSuccessStatusCode)
            {
                throw new DownstreamException(service, unavailable: (int)response.StatusCode >= 500,
                    $"{service} {path} answered {(int)response.StatusCode}.", status: (int)response.StatusCode);
            }
            return await response.Content.ReadFromJsonAsync<TResponse>(Json.Options, cancellationToken);
        }
    }

    /// <summary>The <c>code</c> of a problem+json body, or null when the body is not one.</summary>
    private static string? ProblemCode(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
                ? code.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Truncate(string text) => text.Length <= 500 ? text : text[..500];
}
