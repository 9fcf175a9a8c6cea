using Microsoft.Extensions.Logging;

namespace PaymentPlatform.Redis;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Redis {Role} connection to {EndPoint} established.")]
    public static partial void Connected(ILogger logger, string role, string endPoint);

    [LoggerMessage(2, LogLevel.Warning, "Redis {Role} connection to {EndPoint} lost; reconnecting.")]
    public static partial void ConnectionLost(ILogger logger, string role, string endPoint, Exception reason);

    [LoggerMessage(3, LogLevel.Warning, "Redis {Role} connection to {EndPoint} failed (attempt {Attempt}); retrying in {DelayMs} ms.")]
    public static partial void ConnectFailed(ILogger logger, string role, string endPoint, int attempt, long delayMs, Exception reason);

    [LoggerMessage(4, LogLevel.Error, "A handler for Redis channel {Channel} threw; the subscription continues.")]
    public static partial void HandlerFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(5, LogLevel.Information, "Redis subscriber connection to {EndPoint} resubscribed to {Count} channels.")]
    public static partial void Resubscribed(ILogger logger, string endPoint, int count);
}
