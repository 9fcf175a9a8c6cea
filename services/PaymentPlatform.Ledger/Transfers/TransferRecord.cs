using Npgsql;

namespace PaymentPlatform.Ledger.Transfers;

internal static class TransferKinds
{
    public const string SinglePhase = "single_phase";
    public const string Pending = "pending";
    public const string PostPending = "post_pending";
    public const string VoidPending = "void_pending";
    public const string ExpirePending = "expire_pending";

    public static bool Resolves(string kind) => kind is PostPending or VoidPending or ExpirePending;
}

/// <summary>
/// What a caller asks of the ledger: a new transfer, or a hold's resolution (<see cref="PendingId"/> set).
/// <see cref="Invalid"/> carries a syntax error found before the batch ran, so the item still fails its chain.
/// </summary>
internal sealed record TransferCommand(
    string Id, string Kind, string? DebitAccountId, string? CreditAccountId, long? Amount, string? Ledger,
    string? PendingId, int? TimeoutSeconds, bool Linked, LedgerError? Invalid = null);

internal sealed record TransferRecord(
    long Seq, string Id, string DebitAccountId, string CreditAccountId, long Amount, string Ledger, string Kind,
    string? PendingId, int? TimeoutSeconds, DateTimeOffset? TimeoutAt, DateTimeOffset CreatedAt, bool Linked)
{
    public const string Columns = "seq, id, debit_account_id, credit_account_id, amount, ledger, kind, pending_id, timeout_seconds, timeout_at, created_at, linked";

    public static TransferRecord Read(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetString(5), r.GetString(6),
        r.IsDBNull(7) ? null : r.GetString(7),
        r.IsDBNull(8) ? null : r.GetInt32(8),
        r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9),
        r.GetFieldValue<DateTimeOffset>(10),
        r.GetBoolean(11));

    public TransferResponse ToResponse(string? result = null) => new(
        Id, DebitAccountId, CreditAccountId, Amount, Ledger, Kind == TransferKinds.Pending, Kind, PendingId,
        TimeoutSeconds, TimeoutAt, Linked, CreatedAt, result);
}

/// <summary><c>Transfer</c> when it was created or already existed (<c>Created</c> says which), else <c>Error</c>.</summary>
internal sealed record TransferOutcome(TransferRecord? Transfer, bool Created, LedgerError? Error)
{
    public static TransferOutcome Fail(LedgerError error) => new(null, false, error);
}
