using System.Collections.Frozen;
using PaymentPlatform.Redis;
using PaymentPlatform.Risk.Rules;

namespace PaymentPlatform.Risk.Blocklist;

/// <summary>
/// Every replica's in-memory copy of the block lists, so scoring never waits on PostgreSQL. It is
/// reloaded when any replica publishes a change on <see cref="Channel"/>, and every
/// <c>Risk:Blocklist:RefreshInterval</c> as a safety net (pub/sub loses messages while Redis is down).
/// </summary>
public sealed partial class BlocklistCache(
    BlocklistStore store, RedisClient redis, RiskPolicyProvider policies, ILogger<BlocklistCache> logger) : IHostedService, IDisposable
{
    public const string Channel = "risk:blocklist:changed";

    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private volatile FrozenSet<string> _entries = FrozenSet<string>.Empty;
    private RedisSubscription? _subscription;
    private Task? _loop;

    public int Count => _entries.Count;

    public bool Contains(string kind, string normalizedValue) => _entries.Contains(Entry(kind, normalizedValue));

    /// <summary>After this replica changed the lists: reload now, and tell the other replicas.</summary>
    public async Task ChangedAsync(CancellationToken cancellationToken)
    {
        await ReloadAsync(cancellationToken);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            await redis.PublishAsync(Channel, "changed", timeout.Token);
        }
        catch (Exception ex) when (ex is RedisException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogPublishFailed(logger, ex.GetType().Name, policies.Current.BlocklistRefresh);
        }
    }

    /// <summary>Loads the lists before the service listens, so the first scoring already sees them.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await ReloadAsync(cancellationToken);
        await TrySubscribeAsync(cancellationToken);
        _loop = RefreshLoopAsync(_stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync();
        }
    }

    private async Task RefreshLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(policies.Current.BlocklistRefresh, cancellationToken);
                await ReloadAsync(cancellationToken);
                if (_subscription is null)
                {
                    await TrySubscribeAsync(cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
            {
                LogReloadFailed(logger, ex);
            }
        }
    }

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var entries = await store.AllAsync(cancellationToken);
        _entries = entries.Select(e => Entry(e.Kind, e.Value)).ToFrozenSet(StringComparer.Ordinal);
    }

    private async Task TrySubscribeAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            _subscription = await redis.SubscribeAsync(Channel, _ => Wake(), timeout.Token);
        }
        catch (Exception ex) when (ex is RedisException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogSubscribeFailed(logger, ex.GetType().Name, policies.Current.BlocklistRefresh);
        }
    }

    // Runs on the subscriber's read loop: only signal the refresh loop (coalescing bursts).
    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // A reload is already due.
        }
    }

    private static string Entry(string kind, string value) => string.Concat(kind, "\n", value);

    public void Dispose()
    {
        _stopping.Dispose();
        _wake.Dispose();
    }

    [LoggerMessage(1, LogLevel.Warning, "Could not publish a block-list change ({Reason}); other replicas see it within {Interval}.")]
    private static partial void LogPublishFailed(ILogger logger, string reason, TimeSpan interval);

    [LoggerMessage(2, LogLevel.Warning, "Could not subscribe to block-list changes ({Reason}); retrying, and reloading every {Interval} meanwhile.")]
    private static partial void LogSubscribeFailed(ILogger logger, string reason, TimeSpan interval);

    [LoggerMessage(3, LogLevel.Error, "Reloading the block lists failed; the previous copy stays in use.")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);
}
