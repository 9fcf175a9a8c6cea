using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace PaymentPlatform.Ledger.Transfers;

public sealed class HoldExpiryOptions
{
    public const string Section = "Ledger:HoldExpiry";

    /// <summary>How often the ledger looks for holds whose timeout has passed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>At most this many holds are released per batch.</summary>
    [Range(1, 8190)]
    public int BatchSize { get; set; } = 1000;
}

/// <summary>
/// Releases holds whose timeout has passed, as <c>expire_pending</c> transfers <c>{hold}:expire</c>. A safety net:
/// the gateway voids a payment's hold at its own <c>expires_at</c>, before this timeout. Every replica runs it;
/// two releasing the same hold serialize on its accounts' locks and the second finds it resolved.
/// </summary>
internal sealed partial class HoldExpirer(TransferStore transfers, IOptions<HoldExpiryOptions> options, ILogger<HoldExpirer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                while (await ExpireDueAsync(stoppingToken) == options.Value.BatchSize)
                {
                }
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
            {
                // The database is away for a moment: the next tick tries again.
                LogExpiryFailed(logger, ex);
            }
        }
    }

    /// <summary>Releases one batch of due holds; returns how many were due.</summary>
    public async Task<int> ExpireDueAsync(CancellationToken cancellationToken)
    {
        var due = await transfers.DueHoldsAsync(options.Value.BatchSize, cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }
        var outcomes = await transfers.ExecuteAsync(
            [.. due.Select(id => new TransferCommand(id + ":expire", TransferKinds.ExpirePending, null, null, null, null, id, null, Linked: false))],
            cancellationToken);
        LogExpired(logger, outcomes.Count(o => o.Created), due.Count);
        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Released {Expired} expired holds of {Due} due.")]
    private static partial void LogExpired(ILogger logger, int expired, int due);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing expired holds failed; retrying at the next tick.")]
    private static partial void LogExpiryFailed(ILogger logger, Exception exception);
}
