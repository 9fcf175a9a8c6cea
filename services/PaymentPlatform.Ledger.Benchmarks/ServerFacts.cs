using Npgsql;

namespace PaymentPlatform.Ledger.Benchmarks;

/// <summary>What the PostgreSQL server runs with, its commit counter, and the machine's load.</summary>
internal static class ServerFacts
{
    private static readonly string[] Settings =
    [
        "server_version", "fsync", "synchronous_commit", "wal_sync_method", "full_page_writes", "wal_level", "wal_buffers",
        "commit_delay", "commit_siblings", "shared_buffers", "max_wal_size", "checkpoint_timeout", "max_connections",
    ];

    public static async Task<IReadOnlyList<string>> DescribeAsync(LedgerUnderTest ledger)
    {
        var lines = new List<string>();
        await using var connection = await ledger.OpenAsync("ledgerdb");
        foreach (var setting in Settings)
        {
            await using var show = new NpgsqlCommand($"SELECT current_setting('{setting}')", connection);
            lines.Add($"{setting} = {await show.ExecuteScalarAsync()}");
        }
        await using var tables = new NpgsqlCommand("""
            SELECT string_agg(relname || ' ' || CASE relpersistence WHEN 'p' THEN 'logged' WHEN 'u' THEN 'UNLOGGED' ELSE 'temporary' END, ', ' ORDER BY relname)
            FROM pg_class WHERE relname IN ('accounts', 'transfers') AND relkind = 'r'
            """, connection);
        lines.Add($"tables: {await tables.ExecuteScalarAsync()}");
        return lines;
    }

    /// <summary>The next transaction id: its growth counts the write transactions (each takes an id), the ledger's and reconciliation's.</summary>
    public static async Task<long> NextTransactionIdAsync(LedgerUnderTest ledger)
    {
        await using var connection = await ledger.OpenAsync("ledgerdb");
        await using var select = new NpgsqlCommand("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint", connection);
        return (long)(await select.ExecuteScalarAsync())!;
    }

    public static async Task<(long Transfers, string Size)> SizeAsync(LedgerUnderTest ledger)
    {
        await using var connection = await ledger.OpenAsync("ledgerdb");
        await using var select = new NpgsqlCommand("SELECT count(*), pg_size_pretty(pg_total_relation_size('transfers')) FROM transfers", connection);
        await using var reader = await select.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetString(1));
    }

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
