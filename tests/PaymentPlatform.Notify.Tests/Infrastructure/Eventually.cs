using System.Diagnostics;

namespace PaymentPlatform.Notify.Tests.Infrastructure;

/// <summary>Polls a condition until it holds; the failure says what the test waited for.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, string waitingFor, TimeSpan? timeout = null) where T : class
    {
        var limit = timeout ?? DefaultTimeout;
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }
            if (stopwatch.Elapsed > limit)
            {
                throw new TimeoutException($"Waited {limit.TotalSeconds:0.#} s for {waitingFor}; it did not happen.");
            }
            await Task.Delay(25);
        }
    }

    public static Task HoldsAsync(Func<Task<bool>> condition, string waitingFor, TimeSpan? timeout = null) =>
        GetAsync<object>(async () => await condition() ? new object() : null, waitingFor, timeout);

    public static Task HoldsAsync(Func<bool> condition, string waitingFor, TimeSpan? timeout = null) =>
        HoldsAsync(() => Task.FromResult(condition()), waitingFor, timeout);
}
