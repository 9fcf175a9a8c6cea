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
        var json = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        try
        {
            if (ContainsNul(json))
            {
                // PostgreSQL text cannot hold U+0000, and no field of this API means one: refuse it here.
                return (null, Problems.BadRequest("invalid_request", "Strings in the body may not contain the NUL character (\\u0000)."));
            }
            var body = JsonSerializer.Deserialize<T>(json, Json.StrictOptions);
            return body is null ? (null, Problems.BadRequest("invalid_request", "The body must be a JSON object.")) : (body, null);
        }
        catch (InvalidOperationException)
        {
            // A string escape that is not valid UTF-16 (a lone surrogate such as \ud800).
            return (null, Problems.BadRequest("invalid_request", "Strings in the body must be valid Unicode: a lone surrogate escape is not."));
        }
        catch (JsonException ex)
        {
            var where = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "" : $" (at {ex.Path})";
            return (null, Problems.BadRequest("invalid_request", $"The body is not valid JSON for this request{where}: a malformed document or a field of the wrong type."));
        }
    }

    /// <summary>Whether any property name or string value of the document holds U+0000 (only an escape can put it there).</summary>
    private static bool ContainsNul(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.PropertyName or JsonTokenType.String && reader.ValueIsEscaped
                && reader.GetString()!.Contains('\0', StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    private static ProblemHttpResult TooLarge() =>
        Problems.Result(StatusCodes.Status413PayloadTooLarge, "request_too_large", "The request body is too large.", $"Bodies are at most {MaxBytes} bytes.");
}
