using Microsoft.Extensions.Logging;

namespace PaymentPlatform.ServiceDefaults.Resilience;

internal static partial class ResilienceLog
{
    [LoggerMessage(EventId = 1, EventName = "InternalCallRetry", Level = LogLevel.Warning,
        Message = "Retrying {Client} {Method} {Path} after {Outcome} (retry {Retry}, in {DelayMs} ms)")]
    public static partial void Retrying(ILogger logger, string client, string method, string? path, string outcome, int retry, double delayMs);

    [LoggerMessage(EventId = 2, EventName = "CircuitOpened", Level = LogLevel.Warning,
        Message = "Circuit of {Client} opened for {BreakMs} ms after {Outcome}")]
    public static partial void CircuitOpened(ILogger logger, string client, double breakMs, string outcome);

    [LoggerMessage(EventId = 3, EventName = "CircuitHalfOpened", Level = LogLevel.Information,
        Message = "Circuit of {Client} half-open: trying one call")]
    public static partial void CircuitHalfOpened(ILogger logger, string client);

    [LoggerMessage(EventId = 4, EventName = "CircuitClosed", Level = LogLevel.Information,
        Message = "Circuit of {Client} closed")]
    public static partial void CircuitClosed(ILogger logger, string client);

    [LoggerMessage(EventId = 5, EventName = "ConcurrencyLimitReached", Level = LogLevel.Warning,
        Message = "{Client} rejected a call: concurrency limit reached")]
    public static partial void Rejected(ILogger logger, string client);
}
