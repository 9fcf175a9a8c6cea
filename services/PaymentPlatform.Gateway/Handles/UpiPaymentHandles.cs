using Npgsql;
using NpgsqlTypes;

namespace PaymentPlatform.Gateway.Handles;

/// <summary>The handle of each UPI payment (table <c>payment_upi</c>), kept beside the payments table.</summary>
internal sealed class UpiPaymentHandles(NpgsqlDataSource dataSource)
{
    /// <summary>Records the handle before the payment exists; a retry with the same payment id keeps the first.</summary>
    public async Task RememberAsync(string paymentId, string handle, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("INSERT INTO payment_upi (payment_id, handle) VALUES ($1, $2) ON CONFLICT (payment_id) DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter { Value = paymentId });
        command.Parameters.Add(new NpgsqlParameter { Value = handle });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<string?> FindAsync(string paymentId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT handle FROM payment_upi WHERE payment_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = paymentId });
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>The handles of those of <paramref name="paymentIds"/> that are UPI payments.</summary>
    public async Task<IReadOnlyDictionary<string, string>> FindManyAsync(IReadOnlyCollection<string> paymentIds, CancellationToken cancellationToken)
    {
        var handles = new Dictionary<string, string>(StringComparer.Ordinal);
        if (paymentIds.Count == 0)
        {
            return handles;
        }
        await using var command = dataSource.CreateCommand("SELECT payment_id, handle FROM payment_upi WHERE payment_id = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = paymentIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            handles[reader.GetString(0)] = reader.GetString(1);
        }
        return handles;
    }
}
