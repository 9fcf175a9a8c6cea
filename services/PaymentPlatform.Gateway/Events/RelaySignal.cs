namespace PaymentPlatform.Gateway.Events;

/// <summary>
/// Wakes this replica's relay right after a commit that wrote events, so the common case
/// does not wait for the idle poll. Rows written by other replicas, or left by a crash, are
/// found by the poll.
/// </summary>
internal sealed class RelaySignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up covers every commit before it.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
