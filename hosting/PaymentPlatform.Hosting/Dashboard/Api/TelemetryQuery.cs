using System.Globalization;
using PaymentPlatform.Hosting.Dashboard.Storage;

namespace PaymentPlatform.Hosting.Dashboard.Api;

/// <summary>
/// The telemetry API's query string, bound as text so that every mistake gets a problem that
/// names the parameter. Which parameters an endpoint accepts is checked too: a filter that
/// does not apply (level on traces) is an error, not silently ignored.
/// </summary>
internal sealed class TelemetryQueryParameters
{
    /// <summary><c>resource=gateway</c> (every replica) or <c>resource=gateway-1</c>; repeat for several.</summary>
    public string[]? Resource { get; set; }

    /// <summary>ISO 8601, inclusive.</summary>
    public string? From { get; set; }

    /// <summary>ISO 8601, exclusive.</summary>
    public string? To { get; set; }

    /// <summary>Minimum log level: trace, debug, information, warning, error, critical (or a severity number).</summary>
    public string? Level { get; set; }

    /// <summary>Case-insensitive substring of a log message, span name or instrument name.</summary>
    public string? Text { get; set; }

    /// <summary>A trace id, or a prefix of one (hex).</summary>
    public string? TraceId { get; set; }

    public string? SpanId { get; set; }

    /// <summary><c>attribute=key=value</c> (equal), <c>attribute=key!=value</c> (not equal) or <c>attribute=key</c> (present); repeat for several (all must match).</summary>
    public string[]? Attribute { get; set; }

    public string? HasError { get; set; }

    public string? MinDurationMs { get; set; }

    public string? After { get; set; }

    public string? Limit { get; set; }

    /// <summary>Charts: an attribute key to split series by (or <c>resource</c>, <c>instance</c>); repeat for several.</summary>
    public string[]? GroupBy { get; set; }

    /// <summary>Charts: the width of one point in seconds.</summary>
    public string? Step { get; set; }
}

[Flags]
internal enum QueryParts
{
    None = 0,
    Resource = 1,
    TimeRange = 2,
    Level = 4,
    Text = 8,
    TraceId = 16,
    SpanId = 32,
    Attribute = 64,
    HasError = 128,
    MinDuration = 256,
    Paging = 512,
    Chart = 1024,
}

/// <summary>A validated query: filters plus the window (<c>after</c>, <c>limit</c>).</summary>
internal sealed record TelemetryFilter(
    string[] Resources,
    long? FromNanos,
    long? ToNanos,
    int? MinSeverity,
    string? Text,
    string? TraceIdPrefix,
    ulong? SpanId,
    (string Key, string? Value, bool Negated)[] Attributes,
    bool? HasError,
    double? MinDurationMs,
    long? After,
    int Limit,
    string[] GroupBy,
    double? StepSeconds)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 10_000;

    public static bool TryCreate(TelemetryQueryParameters q, QueryParts allowed, string what, out TelemetryFilter filter, out string error)
    {
        filter = null!;
        error = "";
        var given = (q.Resource is { Length: > 0 } ? QueryParts.Resource : 0)
            | (q.From is not null || q.To is not null ? QueryParts.TimeRange : 0)
            | (q.Level is not null ? QueryParts.Level : 0)
            | (q.Text is not null ? QueryParts.Text : 0)
            | (q.TraceId is not null ? QueryParts.TraceId : 0)
            | (q.SpanId is not null ? QueryParts.SpanId : 0)
            | (q.Attribute is { Length: > 0 } ? QueryParts.Attribute : 0)
            | (q.HasError is not null ? QueryParts.HasError : 0)
            | (q.MinDurationMs is not null ? QueryParts.MinDuration : 0)
            | (q.After is not null || q.Limit is not null ? QueryParts.Paging : 0)
            | (q.GroupBy is { Length: > 0 } || q.Step is not null ? QueryParts.Chart : 0);
        if ((given & ~allowed) is var extra and not QueryParts.None)
        {
            error = $"{what} cannot be filtered by {Names(extra)}; it accepts {Names(allowed)}.";
            return false;
        }

        long? from = null, to = null;
        if (q.From is not null)
        {
            if (!TryParseTime(q.From, out var time))
            {
                error = $"from '{q.From}' is not an ISO 8601 time such as 2025-01-31T12:00:00Z.";
                return false;
            }
            from = time;
        }
        if (q.To is not null)
        {
            if (!TryParseTime(q.To, out var time))
            {
                error = $"to '{q.To}' is not an ISO 8601 time such as 2025-01-31T12:00:00Z.";
                return false;
            }
            to = time;
        }

        int? minSeverity = null;
        if (q.Level is not null)
        {
            minSeverity = ParseLevel(q.Level);
            if (minSeverity is null)
            {
                error = $"level '{q.Level}' is not one of trace, debug, information, warning, error, critical (or a severity number 1-24).";
                return false;
            }
        }

        string? traceId = null;
        if (q.TraceId is not null)
        {
            traceId = q.TraceId.Trim().ToLowerInvariant();
            if (traceId.Length is 0 or > 32 || !traceId.All(char.IsAsciiHexDigit))
            {
                error = $"traceId '{q.TraceId}' is not a trace id or a prefix of one (up to 32 hex digits).";
                return false;
            }
        }

        ulong? spanId = null;
        if (q.SpanId is not null)
        {
            if (q.SpanId.Length != 16 || !ulong.TryParse(q.SpanId, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var parsed))
            {
                error = $"spanId '{q.SpanId}' is not a span id (16 hex digits).";
                return false;
            }
            spanId = parsed;
        }

        var attributes = new List<(string, string?, bool)>();
        foreach (var attribute in q.Attribute ?? [])
        {
            var separator = attribute.IndexOf('=', StringComparison.Ordinal);
            var negated = separator > 0 && attribute[separator - 1] == '!';
            var key = separator < 0 ? attribute : attribute[..(negated ? separator - 1 : separator)];
            if (key.Length == 0)
            {
                error = $"attribute '{attribute}' has no key; write attribute=key=value, attribute=key!=value or attribute=key.";
                return false;
            }
            attributes.Add((key, separator < 0 ? null : attribute[(separator + 1)..], negated));
        }

        bool? hasError = null;
        if (q.HasError is not null)
        {
            if (!bool.TryParse(q.HasError, out var parsed))
            {
                error = $"hasError '{q.HasError}' is not true or false.";
                return false;
            }
            hasError = parsed;
        }

        double? minDuration = null;
        if (q.MinDurationMs is not null)
        {
            if (!double.TryParse(q.MinDurationMs, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) || parsed < 0)
            {
                error = $"minDurationMs '{q.MinDurationMs}' is not a non-negative number.";
                return false;
            }
            minDuration = parsed;
        }

        long? after = null;
        if (q.After is not null)
        {
            if (!long.TryParse(q.After, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                error = $"after '{q.After}' is not a cursor (a non-negative integer from an earlier response).";
                return false;
            }
            after = parsed;
        }

        var limit = DefaultLimit;
        if (q.Limit is not null && (!int.TryParse(q.Limit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            error = $"limit '{q.Limit}' must be between 1 and {MaxLimit}.";
            return false;
        }

        double? step = null;
        if (q.Step is not null)
        {
            if (!double.TryParse(q.Step, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) || parsed is < 1 or > 86_400)
            {
                error = $"step '{q.Step}' must be a number of seconds between 1 and 86400.";
                return false;
            }
            step = parsed;
        }
        if (q.GroupBy?.FirstOrDefault(string.IsNullOrWhiteSpace) is not null)
        {
            error = "groupBy needs an attribute key (or resource, instance).";
            return false;
        }

        filter = new TelemetryFilter(q.Resource ?? [], from, to, minSeverity, string.IsNullOrEmpty(q.Text) ? null : q.Text,
            traceId, spanId, [.. attributes], hasError, minDuration, after, limit, q.GroupBy ?? [], step);
        return true;
    }

    public bool MatchesResource(TelemetryResource resource)
    {
        if (Resources.Length == 0)
        {
            return true;
        }
        foreach (var name in Resources)
        {
            if (resource.Matches(name))
            {
                return true;
            }
        }
        return false;
    }

    public bool MatchesTime(long nanos) => (FromNanos is null || nanos >= FromNanos) && (ToNanos is null || nanos < ToNanos);

    public bool MatchesText(string value) => Text is null || value.Contains(Text, StringComparison.OrdinalIgnoreCase);

    public bool MatchesTraceId(TraceId id) =>
        TraceIdPrefix is null || (!id.IsEmpty && id.ToString().StartsWith(TraceIdPrefix, StringComparison.Ordinal));

    /// <summary>
    /// Every attribute filter must match the record's attributes (or its resource's); a negated one
    /// (<c>key!=value</c>) matches when neither has that value, including when the key is absent.
    /// </summary>
    public bool MatchesAttributes(KeyValuePair<string, string>[] attributes, KeyValuePair<string, string>[] resourceAttributes)
    {
        foreach (var (key, value, negated) in Attributes)
        {
            if (negated == (Has(attributes, key, value) || Has(resourceAttributes, key, value)))
            {
                return false;
            }
        }
        return true;

        static bool Has(KeyValuePair<string, string>[] attributes, string key, string? value)
        {
            foreach (var attribute in attributes)
            {
                if (attribute.Key == key && (value is null || attribute.Value == value))
                {
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>OTLP severity numbers: TRACE 1-4, DEBUG 5-8, INFO 9-12, WARN 13-16, ERROR 17-20, FATAL 21-24.</summary>
    public static int? ParseLevel(string level) => level.Trim().ToLowerInvariant() switch
    {
        "trace" => 1,
        "debug" => 5,
        "information" or "info" => 9,
        "warning" or "warn" => 13,
        "error" => 17,
        "critical" or "fatal" => 21,
        var n when int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= 1 and <= 24 => number,
        _ => null,
    };

    /// <summary>The .NET level name of a severity number, as the dashboard shows it.</summary>
    public static string LevelName(int severityNumber) => severityNumber switch
    {
        >= 21 => "Critical",
        >= 17 => "Error",
        >= 13 => "Warning",
        >= 9 => "Information",
        >= 5 => "Debug",
        >= 1 => "Trace",
        _ => "Unspecified",
    };

    private static string Names(QueryParts parts)
    {
        (QueryParts Part, string Name)[] names =
        [
            (QueryParts.Resource, "resource"), (QueryParts.TimeRange, "from/to"), (QueryParts.Level, "level"),
            (QueryParts.Text, "text"), (QueryParts.TraceId, "traceId"), (QueryParts.SpanId, "spanId"),
            (QueryParts.Attribute, "attribute"), (QueryParts.HasError, "hasError"),
            (QueryParts.MinDuration, "minDurationMs"), (QueryParts.Paging, "after/limit"), (QueryParts.Chart, "groupBy/step"),
        ];
        return string.Join(", ", names.Where(n => parts.HasFlag(n.Part)).Select(n => n.Name));
    }

    private static bool TryParseTime(string text, out long nanos)
    {
        nanos = 0;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return false;
        }
        nanos = UnixNanos.From(time);
        return true;
    }
}
