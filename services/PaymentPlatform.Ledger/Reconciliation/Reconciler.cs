using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PaymentPlatform.Ledger.Telemetry;

namespace PaymentPlatform.Ledger.Reconciliation;

public sealed class ReconciliationOptions
{
    public const string Section = "Ledger:Reconciliation";

    /// <summary>How often every replica checks the books (one at a time: a replica skips a run another is doing).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Runs reconciliation and makes a violation loud: an error log, the <c>ledger.reconciliation.violations</c>
/// metric, and the <c>reconciliation</c> health check turning Degraded until a run finds the books balanced.
/// </summary>
internal sealed partial class Reconciler(ReconciliationStore store, LedgerMetrics metrics, ILogger<Reconciler> logger) : IHealthCheck
{
    private volatile ReconciliationResponse? _last;

    public ReconciliationResponse? Last => _last;

    /// <inheritdoc cref="ReconciliationStore.RunAsync"/>
    public async Task<ReconciliationResponse?> RunAsync(bool wait, CancellationToken cancellationToken)
    {
        var result = await store.RunAsync(wait, cancellationToken);
        if (result is null)
        {
            return null;
        }
        _last = result;
        var violations = result.Violations();
        metrics.Reconciled(violations);
        if (violations.Count > 0)
        {
            LogViolated(logger, string.Join(", ", violations.Select(v => $"{v.Key} x{v.Value}")),
                string.Join(", ", result.MismatchedAccounts.Take(20)), string.Join(", ", result.Ledgers.Where(l => !l.Balanced).Select(l => l.Ledger)));
        }
        return result;
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_last switch
        {
            null => HealthCheckResult.Healthy("No reconciliation has run yet."),
            { Balanced: true } last => HealthCheckResult.Healthy($"Balanced at {last.CheckedAt:O}."),
            var last => HealthCheckResult.Degraded($"The books do not reconcile ({string.Join(", ", last.Violations().Select(v => $"{v.Key} x{v.Value}"))}) at {last.CheckedAt:O}."),
        });

    [LoggerMessage(Level = LogLevel.Error, Message = "Reconciliation found broken invariants: {Violations}. Mismatched accounts: {Accounts}. Unbalanced ledgers: {Ledgers}.")]
    private static partial void LogViolated(ILogger logger, string violations, string accounts, string ledgers);
}

/// <summary>Checks the books every <see cref="ReconciliationOptions.Interval"/>.</summary>
internal sealed partial class ReconciliationWorker(Reconciler reconciler, IOptions<ReconciliationOptions> options, ILogger<ReconciliationWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await reconciler.RunAsync(wait: false, stoppingToken);
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
            {
                LogFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation could not run; retrying at the next tick.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
