using Npgsql;
using NpgsqlTypes;

namespace PaymentPlatform.Notify.Endpoints;

/// <summary>notifydb's <c>endpoints</c>.</summary>
internal sealed class WebhookEndpointStore(NpgsqlDataSource dataSource)
{
    public async Task<DateTimeOffset> InsertAsync(string id, string merchantId, string url, IReadOnlyList<string> enabledEvents, string? description,
        byte[] secretCiphertext, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO endpoints (id, merchant_id, url, enabled_events, description, secret_ciphertext)
            VALUES ($1, $2, $3, $4, $5, $6)
            RETURNING created_at
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = merchantId });
        command.Parameters.Add(new NpgsqlParameter { Value = url });
        command.Parameters.Add(new NpgsqlParameter { Value = enabledEvents.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)description ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = secretCiphertext });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetFieldValue<DateTimeOffset>(0);
    }

    public async Task<IReadOnlyList<WebhookEndpointResponse>> ListAsync(string merchantId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id, url, enabled_events, description, status, created_at FROM endpoints WHERE merchant_id = $1 ORDER BY created_at, id");
        command.Parameters.Add(new NpgsqlParameter { Value = merchantId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<WebhookEndpointResponse>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new WebhookEndpointResponse(
                reader.GetString(0), "webhook_endpoint", merchantId, reader.GetString(1), reader.GetFieldValue<string[]>(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5).ToUnixTimeSeconds()));
        }
        return list;
    }
}
