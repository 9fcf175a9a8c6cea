using Npgsql;

namespace PaymentPlatform.Gateway.Payments;

internal sealed partial class PaymentStore
{
    /// <summary>A page of the merchant's payments, newest first; null when the cursor is not one of its payments.</summary>
    public Task<Page<Payment>?> ListPaymentsAsync(string merchantId, ListQuery query, CancellationToken cancellationToken) =>
        ListAsync("payments", Columns, merchantId, query, query.Status is null ? null : ("status", query.Status), Read, cancellationToken);

    /// <summary>A page of the merchant's refunds (optionally of one payment), newest first; null when the cursor is not one of its refunds.</summary>
    public Task<Page<Refund>?> ListRefundsAsync(string merchantId, ListQuery query, CancellationToken cancellationToken) =>
        ListAsync("refunds", RefundColumns, merchantId, query, query.PaymentId is null ? null : ("payment_id", query.PaymentId), ReadRefund, cancellationToken);

    /// <summary>
    /// Keyset pagination on (created_at, id), both descending: a page is one index range scan however deep it is,
    /// and rows inserted meanwhile never shift a page. <c>ending_before</c> reads the range backwards and turns it round.
    /// </summary>
    private async Task<Page<T>?> ListAsync<T>(
        string table, string columns, string merchantId, ListQuery query, (string Column, string Value)? filter,
        Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        var conditions = new List<string> { "merchant_id = $1" };
        var parameters = new List<NpgsqlParameter> { new() { Value = merchantId } };
        string Add(object value)
        {
            parameters.Add(new NpgsqlParameter { Value = value });
            return "$" + parameters.Count;
        }
        if (filter is { } f)
        {
            conditions.Add($"{f.Column} = {Add(f.Value)}");
        }
        if (query.CreatedGte is { } gte)
        {
            conditions.Add($"created_at >= {Add(gte)}");
        }
        if (query.CreatedLte is { } lte)
        {
            conditions.Add($"created_at <= {Add(lte)}");
        }
        var backwards = query.EndingBefore is not null;
        if ((query.StartingAfter ?? query.EndingBefore) is { } cursor)
        {
            var cursorId = Add(cursor);
            await using var exists = dataSource.CreateCommand($"SELECT 1 FROM {table} WHERE id = $1 AND merchant_id = $2");
            exists.Parameters.Add(new NpgsqlParameter { Value = cursor });
            exists.Parameters.Add(new NpgsqlParameter { Value = merchantId });
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                return null;
            }
            conditions.Add($"(created_at, id) {(backwards ? ">" : "<")} (SELECT created_at, id FROM {table} WHERE id = {cursorId})");
        }
        var order = backwards ? "created_at ASC, id ASC" : "created_at DESC, id DESC";
        var limit = Add(query.Limit + 1);
        await using var command = dataSource.CreateCommand(
            $"SELECT {columns} FROM {table} WHERE {string.Join(" AND ", conditions)} ORDER BY {order} LIMIT {limit}");
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter);
        }
        var rows = new List<T>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(read(reader));
            }
        }
        var hasMore = rows.Count > query.Limit;
        if (hasMore)
        {
            rows.RemoveAt(rows.Count - 1);
        }
        if (backwards)
        {
            rows.Reverse();
        }
        return new Page<T>(rows, hasMore);
    }
}

/// <summary>A list request: 1 to 100 per page, one cursor at most, and filters.</summary>
internal sealed record ListQuery(int Limit, string? StartingAfter, string? EndingBefore, DateTimeOffset? CreatedGte, DateTimeOffset? CreatedLte)
{
    public string? Status { get; init; }

    public string? PaymentId { get; init; }
}

/// <summary>A page and whether more rows lie beyond it in the direction read.</summary>
internal sealed record Page<T>(IReadOnlyList<T> Items, bool HasMore);
