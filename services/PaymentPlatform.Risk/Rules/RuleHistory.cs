using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace PaymentPlatform.Risk.Rules;

/// <summary>
/// Records each configuration the rules were compiled from in riskdb (<c>rule_versions</c>, keyed
/// by the SHA-256 of its JSON). Writes never hold up scoring: a failure is logged and skipped.
/// </summary>
public sealed partial class RuleHistory(NpgsqlDataSource dataSource, ILogger<RuleHistory> logger)
{
    public static string Checksum(string json) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));

    public async Task RecordAsync(RiskOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var json = JsonSerializer.Serialize(options);
        try
        {
            await using var upsert = dataSource.CreateCommand("""
                INSERT INTO rule_versions (checksum, options) VALUES ($1, $2::jsonb)
                ON CONFLICT (checksum) DO UPDATE SET last_applied_at = now()
                """);
            upsert.Parameters.Add(new() { Value = Checksum(json) });
            upsert.Parameters.Add(new() { Value = json });
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogFailed(logger, ex);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Could not record the rules configuration in riskdb; scoring is unaffected.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
