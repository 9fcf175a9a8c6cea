using System.Diagnostics;
using System.Threading.Channels;
using PaymentPlatform.Ledger.Telemetry;

namespace PaymentPlatform.Ledger.Transfers;

/// <summary>
/// Gathers concurrent requests (a single transfer, a batch, a payment's chain) into groups that commit as one
/// PostgreSQL transaction, so many requests share one commit and one fsync. A group closes after
/// <see cref="GroupCommitOptions.MaxWait"/> or at <see cref="GroupCommitOptions.MaxTransfers"/>; while a
/// group commits, the next one gathers. Each request keeps its own rules inside the group (see
/// <see cref="TransferStore"/>) and gets its own outcomes.
/// </summary>
internal sealed class GroupCommitter : IAsyncDisposable
{
    public delegate Task<TransferOutcome[][]> CommitGroup(IReadOnlyList<IReadOnlyList<TransferCommand>> requests, CancellationToken cancellationToken);

    private readonly Channel<Request> _queue = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CommitGroup _commit;
    private readonly GroupCommitOptions _options;
    private readonly LedgerMetrics _metrics;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private int _committing;

    public GroupCommitter(CommitGroup commit, GroupCommitOptions options, LedgerMetrics metrics)
    {
        _commit = commit;
        _options = options;
        _metrics = metrics;
        _slots = new SemaphoreSlim(options.MaxConcurrentGroups, options.MaxConcurrentGroups);
        _loop = Task.Run(GatherAsync);
    }

    public Task<TransferOutcome[]> SubmitAsync(IReadOnlyList<TransferCommand> commands, CancellationToken cancellationToken)
    {
        var request = new Request(commands);
        if (!_queue.Writer.TryWrite(request))
        {
            throw new ObjectDisposedException(nameof(GroupCommitter), "The ledger is shutting down.");
        }
        // A caller that gives up stops waiting; its transfers still commit (or not) with their group.
        return request.Outcomes.Task.WaitAsync(cancellationToken);
    }

    private async Task GatherAsync()
    {
        var reader = _queue.Reader;
        Request? carried = null;
        while (true)
        {
            await _slots.WaitAsync().ConfigureAwait(false);
            if (carried is null && !await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                _slots.Release();
                return;
            }
            var group = new List<Request>();
            var transfers = 0;
            var deadline = Stopwatch.GetTimestamp() + (long)(_options.MaxWait.TotalSeconds * Stopwatch.Frequency);
            while (true)
            {
                if (carried is null && !reader.TryRead(out carried))
                {
                    // Wait for company only while another group is committing: that commit is what we can share.
                    var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                    if (Volatile.Read(ref _committing) == 0 || left <= TimeSpan.Zero || !await WaitForMoreAsync(reader, left).ConfigureAwait(false))
                    {
                        break;
                    }
                    continue;
                }
                if (group.Count > 0 && transfers + carried.Commands.Count > _options.MaxTransfers)
                {
                    break;
                }
                group.Add(carried);
                transfers += carried.Commands.Count;
                carried = null;
                if (transfers >= _options.MaxTransfers)
                {
                    break;
                }
            }
            Interlocked.Increment(ref _committing);
            _ = CommitAsync(group, transfers);
        }
    }

    private static async Task<bool> WaitForMoreAsync(ChannelReader<Request> reader, TimeSpan left)
    {
        var more = reader.WaitToReadAsync().AsTask();
        return await Task.WhenAny(more, Task.Delay(left)).ConfigureAwait(false) == more && await more.ConfigureAwait(false);
    }

    private async Task CommitAsync(List<Request> group, int transfers)
    {
        try
        {
            var outcomes = await _commit([.. group.Select(r => r.Commands)], _stopping.Token).ConfigureAwait(false);
            _metrics.GroupCommitted(group.Count, transfers);
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Outcomes.TrySetResult(outcomes[i]);
            }
        }
        catch (Exception) when (group.Count > 1 && !_stopping.IsCancellationRequested)
        {
            // Something no request's rules foresaw (a constraint, a lost connection): commit each request alone,
            // so one request's failure never becomes its neighbours'.
            foreach (var request in group)
            {
                await CommitAloneAsync(request).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            group.ForEach(r => r.Outcomes.TrySetException(ex));
        }
        finally
        {
            Interlocked.Decrement(ref _committing);
            _slots.Release();
        }
    }

    private async Task CommitAloneAsync(Request request)
    {
        try
        {
            var outcomes = await _commit([request.Commands], _stopping.Token).ConfigureAwait(false);
            _metrics.GroupCommitted(1, request.Commands.Count);
            request.Outcomes.TrySetResult(outcomes[0]);
        }
        catch (Exception ex)
        {
            request.Outcomes.TrySetException(ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        // Let the groups that are committing finish, then fail nothing: every queued request was taken.
        for (var i = 0; i < _options.MaxConcurrentGroups; i++)
        {
            await _slots.WaitAsync().ConfigureAwait(false);
        }
        _stopping.Dispose();
        _slots.Dispose();
    }

    private sealed class Request(IReadOnlyList<TransferCommand> commands)
    {
        public IReadOnlyList<TransferCommand> Commands { get; } = commands;

        public TaskCompletionSource<TransferOutcome[]> Outcomes { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
