using Microsoft.Extensions.Options;
using PaymentPlatform.Gateway.Downstream;
using PaymentPlatform.Gateway.Idempotency;
using PaymentPlatform.Gateway.Infrastructure;
using PaymentPlatform.Gateway.Merchants;

namespace PaymentPlatform.Gateway.Payments;

/// <summary>The background completer (<c>Gateway:Completer</c>).</summary>
public sealed class CompleterOptions
{
    public const string SectionName = "Gateway:Completer";

    /// <summary>How often each replica looks for work.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long work must lie untouched before it counts as abandoned: longer than any live request takes
    /// (the clients' total timeouts), so the completer finishes only what nobody is working on.
    /// </summary>
    public TimeSpan AbandonedAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most items one pass claims of each kind.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>How often finished idempotency keys past their retention are purged.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Finishes work whose request went away (a crash, a client that gave up, a dependency that did not answer):
/// payments left <c>processing</c> (including processor timeouts, resolved by an inquiry), captures and cancels
/// recorded but not done, and pending refunds; it also expires uncaptured authorizations and purges old
/// idempotency keys. Every replica runs it: claims skip rows another replica holds, and each step is idempotent.
/// </summary>
internal sealed class Completer(
    PaymentStore payments,
    MerchantStore merchants,
    IdempotencyStore idempotency,
    PaymentFlow flow,
    GatewayMetrics metrics,
    IOptions<CompleterOptions> options,
    TimeProvider time,
    ILogger<Completer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextPurge = time.GetUtcNow();
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        do
        {
            try
            {
                await PassAsync(stoppingToken);
                if (time.GetUtcNow() >= nextPurge)
                {
                    var purged = await idempotency.PurgeAsync(10_000, stoppingToken);
                    if (purged > 0)
                    {
                        logger.LogInformation("Purged {Count} idempotency keys past their retention.", purged);
                    }
                    nextPurge = time.GetUtcNow() + options.Value.PurgeInterval;
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "A completer pass failed; the next pass retries.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass over every kind of unfinished work; internal so tests can drive it.</summary>
    internal async Task PassAsync(CancellationToken cancellationToken)
    {
        foreach (var payment in await payments.ClaimExpiredAsync(options.Value.BatchSize, cancellationToken))
        {
            await RunAsync("expiry", payment.Id, () => flow.ContinueActionAsync(payment, cancellationToken));
        }
        foreach (var payment in await payments.ClaimAbandonedAsync(options.Value.AbandonedAfter, options.Value.BatchSize, cancellationToken))
        {
            if (payment.Status == PaymentStatus.Processing)
            {
                var fee = (await merchants.FindAsync(payment.MerchantId, cancellationToken))?.FeeRule ?? FeeRule.Default;
                await RunAsync("payment", payment.Id, () => flow.CompleteAsync(payment, fee, inquiry: true, cancellationToken));
            }
            else if (payment.Pending is not null)
            {
                await RunAsync(payment.Pending.Action, payment.Id, () => flow.ContinueActionAsync(payment, cancellationToken));
            }
        }
        foreach (var refund in await payments.ClaimAbandonedRefundsAsync(options.Value.AbandonedAfter, options.Value.BatchSize, cancellationToken))
        {
            await RunAsync("refund", refund.Id, () => flow.ContinueRefundAsync(refund, cancellationToken));
        }
    }

    private async Task RunAsync(string kind, string id, Func<Task<StoredResponse>> work)
    {
        try
        {
            var answer = await work();
            metrics.Completed(kind);
            logger.LogInformation("Completer finished the abandoned {Kind} of {Id}: {Status}.", kind, id, answer.Status);
        }
        catch (DownstreamException ex)
        {
            // Still unreachable: the item stays claimable and a later pass tries again.
            logger.LogWarning("Completer could not finish the {Kind} of {Id} yet: {Reason}", kind, id, ex.Message);
        }
    }
}
