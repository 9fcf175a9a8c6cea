using PaymentPlatform.Redis;
using PaymentPlatform.Risk.Rules;
using PaymentPlatform.Risk.Telemetry;

namespace PaymentPlatform.Risk.Velocity;

/// <summary>The normalized values a scoring is counted under, by <see cref="VelocityDimensions.Keys"/> index; null when absent.</summary>
public readonly record struct VelocitySubjects(string? CardFingerprint, string? Handle, string Merchant, string? Ip)
{
    public string? this[int key] => key switch { 0 => CardFingerprint, 1 => Handle, 2 => Merchant, _ => Ip };
}

/// <summary>
/// Counts attempts and declines in Redis, shared by every replica, in one script call per scoring.
/// A call that fails or takes longer than <c>Risk:Velocity:Timeout</c> is scored without velocity.
/// After <see cref="FailuresToOpen"/> such calls in a row (or a failed health-check PING) the
/// counter opens: scorings skip Redis at once, so they stay within budget, until a background
/// PING succeeds again. One slow call alone (a GC pause, a busy core) does not open it.
/// </summary>
public sealed partial class VelocityCounter(
    RedisClient redis, RiskPolicyProvider policies, RiskMetrics metrics, ILogger<VelocityCounter> logger) : IDisposable
{
    public const int FailuresToOpen = 3;

    private readonly CancellationTokenSource _disposed = new();
    private int _unavailable;
    private int _failures;

    /// <summary>Whether the last call to Redis succeeded (false while the probe waits for it).</summary>
    public bool Available => Volatile.Read(ref _unavailable) == 0;

    /// <summary>Records the attempt (and the decline, when already known) and returns the counts, or null when Redis is unavailable.</summary>
    public async ValueTask<long[]?> CountAsync(string scoreId, VelocitySubjects subjects, bool declined, long? now, CancellationToken cancellationToken)
    {
        if (!Available)
        {
            return null;
        }
        var (keys, map) = Keys(subjects);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(policies.Current.VelocityTimeout);
        try
        {
            var reply = await redis.EvaluateAsync(VelocityScript.Script, keys,
                [scoreId, now is { } ms ? ms : string.Empty, declined ? "1" : "0", "1"], timeout.Token);
            var counts = new long[VelocityDimensions.Count];
            for (var k = 0; k < map.Length; k++)
            {
                for (var i = 0; i < VelocityDimensions.CountsPerKey; i++)
                {
                    counts[(map[k] * VelocityDimensions.CountsPerKey) + i] = (long)reply[1 + (k * VelocityDimensions.CountsPerKey) + i];
                }
            }
            Volatile.Write(ref _failures, 0);
            return counts;
        }
        catch (Exception ex) when (ex is RedisException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            if (Interlocked.Increment(ref _failures) >= FailuresToOpen)
            {
                Open(ex);
            }
            return null;
        }
    }

    /// <summary>
    /// Counts a decline that velocity itself decided (the counts had to be read first). Not awaited
    /// by the scoring; a failure only loses that decline.
    /// </summary>
    public async Task RecordDeclineAsync(string scoreId, VelocitySubjects subjects, long? now)
    {
        if (!Available)
        {
            return;
        }
        try
        {
            using var timeout = new CancellationTokenSource(policies.Current.VelocityTimeout);
            await redis.EvaluateAsync(VelocityScript.Script, Keys(subjects).Keys,
                [scoreId, now is { } ms ? ms : string.Empty, "1", "0"], timeout.Token);
        }
        catch (Exception ex) when (ex is RedisException or OperationCanceledException)
        {
            if (Interlocked.Increment(ref _failures) >= FailuresToOpen)
            {
                Open(ex);
            }
        }
    }

    /// <summary>Marks Redis unavailable; also called by the health check when its PING fails.</summary>
    internal void Open(Exception reason)
    {
        if (Interlocked.Exchange(ref _unavailable, 1) == 0)
        {
            metrics.VelocityUnavailable();
            LogUnavailable(logger, reason.GetType().Name, policies.Current.FailClosed ? UnavailablePolicies.FailClosed : UnavailablePolicies.FailOpen);
            _ = ProbeAsync();
        }
    }

    private async Task ProbeAsync()
    {
        while (!_disposed.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(policies.Current.ProbeInterval, _disposed.Token);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
                timeout.CancelAfter(TimeSpan.FromSeconds(1));
                await redis.PingAsync(timeout.Token);
                Volatile.Write(ref _failures, 0);
                Volatile.Write(ref _unavailable, 0);
                LogAvailable(logger);
                return;
            }
            catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RedisException or OperationCanceledException)
            {
                // Still down; try again after the interval.
            }
        }
    }

    private static (string[] Keys, int[] Map) Keys(VelocitySubjects subjects)
    {
        var present = 0;
        for (var key = 0; key < VelocityDimensions.Keys.Count; key++)
        {
            if (subjects[key] is not null) present++;
        }
        var keys = new string[present];
        var map = new int[present];
        var n = 0;
        for (var key = 0; key < VelocityDimensions.Keys.Count; key++)
        {
            if (subjects[key] is { } value)
            {
                keys[n] = $"risk:v:{VelocityDimensions.Keys[key]}:{value}";
                map[n++] = key;
            }
        }
        return (keys, map);
    }

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }

    [LoggerMessage(1, LogLevel.Warning, "Redis is unavailable for velocity counters ({Reason}); scoring without velocity under policy {Policy} until it answers again.")]
    private static partial void LogUnavailable(ILogger logger, string reason, string policy);

    [LoggerMessage(2, LogLevel.Information, "Redis answers again; velocity counters are back.")]
    private static partial void LogAvailable(ILogger logger);
}
