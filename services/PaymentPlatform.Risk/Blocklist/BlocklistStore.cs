using Npgsql;

namespace PaymentPlatform.Risk.Blocklist;

/// <summary>The block lists in riskdb; scoring reads <see cref="BlocklistCache"/>, never this.</summary>
public sealed class BlocklistStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "id, kind, value, reason, created_at";

    public async Task<(BlocklistEntry Entry, bool Created)> AddAsync(string kind, string value, string? reason, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand($"""
            INSERT INTO blocklist (id, kind, value, reason) VALUES ($1, $2, $3, $4)
            ON CONFLICT (kind, value) DO NOTHING
            RETURNING {Columns}
            """, connection))
        {
            insert.Parameters.Add(new() { Value = "bl_" + Guid.CreateVersion7().ToString("N") });
            insert.Parameters.Add(new() { Value = kind });
            insert.Parameters.Add(new() { Value = value });
            insert.Parameters.Add(new() { Value = (object?)reason ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            if (await ReadAsync(insert, cancellationToken) is [var created])
            {
                return (created, true);
            }
        }
        await using var select = new NpgsqlCommand($"SELECT {Columns} FROM blocklist WHERE kind = $1 AND value = $2", connection);
        select.Parameters.Add(new() { Value = kind });
        select.Parameters.Add(new() { Value = value });
        var existing = await ReadAsync(select, cancellationToken);
        return (existing.Count == 1 ? existing[0] : throw new InvalidOperationException($"Block list entry {kind} conflicted on insert but cannot be read."), false);
    }

    /// <summary>Entries oldest first (ids are UUIDv7, so they sort by creation); after the cursor, optionally by kind and value.</summary>
    public async Task<(IReadOnlyList<BlocklistEntry> Page, bool HasMore)> ListAsync(string? kind, string? value, string? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = new NpgsqlCommand($"""
            SELECT {Columns} FROM blocklist
            WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR value = $2) AND ($3::text IS NULL OR id > $3)
            ORDER BY id LIMIT $4
            """, connection);
        select.Parameters.Add(new() { Value = (object?)kind ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        select.Parameters.Add(new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        select.Parameters.Add(new() { Value = (object?)after ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        select.Parameters.Add(new() { Value = limit + 1 });
        var rows = await ReadAsync(select, cancellationToken);
        return rows.Count > limit ? (rows[..limit], true) : (rows, false);
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var delete = new NpgsqlCommand("DELETE FROM blocklist WHERE id = $1", connection);
        delete.Parameters.Add(new() { Value = id });
        return await delete.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Every entry's kind and value, for the in-memory copies.</summary>
    public async Task<List<(string Kind, string Value)>> AllAsync(CancellationToken cancellationToken)
    {
        var entries = new List<(string, string)>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = new NpgsqlCommand("SELECT kind, value FROM blocklist", connection);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add((reader.GetString(0), reader.GetString(1)));
        }
        return entries;
    }

    private static async Task<List<BlocklistEntry>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<BlocklistEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new BlocklistEntry(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4)));
        }
        return rows;
    }
}
