using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using PaymentPlatform.ServiceDefaults;

namespace PaymentPlatform.ServiceDefaults.Http;

/// <summary>
/// Reads a JSON body itself rather than through parameter binding, so malformed input is a
/// 400 <c>invalid_request</c> problem in every environment (binding failures would be a bare 400).
/// </summary>
public static class RequestBody
{
    /// <summary>Reads a required JSON body; malformed or non-JSON input is an <c>invalid_request</c> problem.</summary>
    public static async Task<(JsonElement Body, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return (default, Invalid("The body must be JSON (Content-Type: application/json)."));
        }
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            return (document.RootElement.Clone(), null);
        }
        catch (JsonException)
        {
            return (default, Invalid("The body is not valid JSON."));
        }
    }

    /// <summary>An optional body: none when it is empty (whatever the Content-Type says).</summary>
    public static async Task<(JsonElement? Body, ProblemHttpResult? Problem)> ReadOptionalAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength == 0)
        {
            return (null, null);
        }
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length == 0 || buffer.ToArray().All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
        {
            return (null, null);
        }
        if (!request.HasJsonContentType())
        {
            return (null, Invalid("The body must be JSON (Content-Type: application/json)."));
        }
        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray());
            return (document.RootElement.Clone(), null);
        }
        catch (JsonException)
        {
            return (null, Invalid("The body is not valid JSON."));
        }
    }

    /// <summary>Converts a JSON value to a contract record; a wrong type is an <c>invalid_request</c> naming the field.</summary>
    public static (T? Value, ProblemHttpResult? Problem) Convert<T>(JsonElement element, HttpRequest request) where T : class
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return (null, Invalid("The body must be a JSON object."));
        }
        try
        {
            var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            return (element.Deserialize<T>(options), null);
        }
        catch (JsonException ex)
        {
            return (null, Invalid($"A field has the wrong type: {ex.Path ?? "$"}."));
        }
    }

    /// <summary>A 400 <c>invalid_request</c> problem, with field errors when there are some.</summary>
    public static ProblemHttpResult Invalid(string detail, IReadOnlyDictionary<string, string[]>? errors = null)
    {
        var problem = Problems.Create(StatusCodes.Status400BadRequest, "invalid_request", "The request is invalid.", detail);
        if (errors is { Count: > 0 })
        {
            problem.Extensions["errors"] = errors;
        }
        return TypedResults.Problem(problem);
    }
}

/// <summary>Collects field errors; <see cref="Problem"/> is null when there are none.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    /// <summary>Records one message for a field.</summary>
    public void Add(string field, string message) =>
        _errors[field] = _errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];

    /// <summary>Whether any field has an error.</summary>
    public bool Any => _errors.Count > 0;

    /// <summary>The 400 problem listing every field's errors, or null when there are none.</summary>
    public ProblemHttpResult? Problem(string? prefix = null) => _errors.Count == 0
        ? null
        : RequestBody.Invalid(
            prefix + string.Join(" ", _errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
            _errors);

    /// <summary>The errors by field.</summary>
    public IReadOnlyDictionary<string, string[]> ToDictionary() => _errors;
}
