using System.Diagnostics;

namespace PaymentPlatform.Redis.Tests.Infrastructure;

/// <summary>Waits for a condition instead of sleeping a fixed time.</summary>
internal static class Eventually
{
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(20);

    /// <exception cref="TimeoutException">The condition did not hold within <paramref name="timeout"/>; the message names it.</exception>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string description)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (stopwatch.Elapsed > timeout)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for {description}.");
            }
            await Task.Delay(s_pollInterval);
        }
    }

    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string description) =>
        WaitUntilAsync(() => Task.FromResult(condition()), timeout, description);

    /// <summary>Waits until <paramref name="attempt"/> stops throwing, and returns its result.</summary>
    public static async Task<T> SucceedsAsync<T>(Func<Task<T>> attempt, TimeSpan timeout, string description)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await attempt();
            }
            catch (RedisException) when (stopwatch.Elapsed <= timeout)
            {
                await Task.Delay(s_pollInterval);
            }
            catch (RedisException ex)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for {description}; last error: {ex.Message}", ex);
            }
        }
    }
}
