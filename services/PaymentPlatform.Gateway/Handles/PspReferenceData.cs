using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using Npgsql;

namespace PaymentPlatform.Gateway.Handles;

/// <summary>A PSP of the reference data: plain values, shared by every request.</summary>
internal sealed record Psp(string Code, string Name);

/// <summary>
/// The UPI PSPs (table <c>upi_psps</c>) in an in-process cache of plain values. Requests only read the current
/// snapshot; <see cref="PspReferenceRefresh"/> reads the table at start and again every
/// <see cref="HandleOptions.ReferenceDataTtl"/>, so the database is never on a validation's path. A refresh that fails
/// keeps the last snapshot (stale reference data beats refusing every validation) and is retried on the next tick.
/// </summary>
internal sealed class PspReferenceData(NpgsqlDataSource dataSource)
{
    private volatile Snapshot? _snapshot;

    /// <summary>False until the first load: the refresher loads before the gateway listens.</summary>
    public bool Loaded => _snapshot is not null;

    public DateTimeOffset? LoadedAt => _snapshot?.LoadedAt;

    public Psp? Find(string code) => _snapshot?.Psps.GetValueOrDefault(code);

    public async Task RefreshAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        var psps = new Dictionary<string, Psp>(StringComparer.Ordinal);
        await using var command = dataSource.CreateCommand("SELECT code, name FROM upi_psps WHERE active");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var psp = new Psp(reader.GetString(0), reader.GetString(1));
            psps[psp.Code] = psp;
        }
        _snapshot = new Snapshot(psps.ToFrozenDictionary(StringComparer.Ordinal), time.GetUtcNow());
    }

    private sealed record Snapshot(FrozenDictionary<string, Psp> Psps, DateTimeOffset LoadedAt);
}

/// <summary>Loads the PSP reference data before the gateway listens, then again every TTL.</summary>
internal sealed partial class PspReferenceRefresh(
    PspReferenceData psps, IOptionsMonitor<HandleOptions> options, TimeProvider time, ILogger<PspReferenceRefresh> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await psps.RefreshAsync(time, cancellationToken);
        }
        catch (NpgsqlException ex)
        {
            LogRefreshFailed(logger, ex);
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // Until the first load succeeds, try again soon; afterwards once per TTL.
            var wait = psps.Loaded ? options.CurrentValue.ReferenceDataTtl : TimeSpan.FromSeconds(1);
            try
            {
                await Task.Delay(wait, time, stoppingToken);
                await psps.RefreshAsync(time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (NpgsqlException ex)
            {
                LogRefreshFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Could not read the PSP reference data; validations use the last copy until a refresh succeeds.")]
    private static partial void LogRefreshFailed(ILogger logger, Exception reason);
}
