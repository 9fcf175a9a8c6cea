using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using PaymentPlatform.ServiceDefaults;

namespace PaymentPlatform.Gateway.Infrastructure;

/// <summary>
/// Reads a public API request body strictly (<see cref="Json.StrictOptions"/>): malformed JSON, a wrong
/// type, a body that is not an object, or one over <see cref="MaxBytes"/>, is a 4xx problem naming what
/// is wrong, before anything is written.
/// </summary>
internal static class JsonBody
{
    /// <summary>The largest body the public API reads; payments are well under 4 KB.</summary>
    public const int MaxBytes = 64 * 1024;

    public static async Task<(T? Body, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest http, CancellationToken cancellationToken, bool allowEmpty = false)
        where T : class
    {
        if (http.ContentLength > MaxBytes)
        {
            return (null, TooLarge());
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await http.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                return (null, TooLarge());
            }
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0 || buffer.ToArray().All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
        {
            return allowEmpty ? (null, null) : (null, Problems.BadRequest("invalid_request", "The body must be a JSON object."));
        }
        try
        {
            var body = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), Json.StrictOptions);
            return body is null ? (null, Problems.BadRequest("invalid_request", "The body must be a JSON object.")) : (body, null);
        }
        catch (JsonException ex)
        {
            var where = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "" : $" (at {ex.Path})";
            return (null, Problems.BadRequest("invalid_request", $"The body is not valid JSON for this request{where}: a malformed document or a field of the wrong type."));
        }
    }

    private static ProblemHttpResult TooLarge() =>
        Problems.Result(StatusCodes.Status413PayloadTooLarge, "request_too_large", "The request body is too large.", $"Bodies are at most {MaxBytes} bytes.");
}
