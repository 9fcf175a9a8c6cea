using PaymentPlatform.Ledger.Accounts;

namespace PaymentPlatform.Ledger.Transfers;

/// <summary>
/// Applies a batch to the locked accounts in memory, in order, with TigerBeetle's rules: each item
/// is checked against the balances left by the items before it; a linked chain (items flagged
/// <c>linked</c>, ended by the first one that is not) succeeds or fails together, the failing member
/// with its own code and the others with <c>linked_event_failed</c>. A pure function of its inputs:
/// the store loads what it names under the row locks, and writes what it planned.
/// </summary>
internal sealed class BatchPlan
{
    private readonly DateTimeOffset _now;
    private readonly Dictionary<string, Balance> _accounts;
    private readonly Dictionary<string, TransferRecord> _transfers;
    private readonly Dictionary<string, TransferRecord> _resolutions;
    private readonly List<TransferRecord> _created = [];
    private readonly List<Action> _undo = [];
    private bool _inChain;

    public BatchPlan(DateTimeOffset now, IEnumerable<AccountRecord> lockedAccounts, IEnumerable<TransferRecord> knownTransfers)
    {
        _now = now;
        _accounts = lockedAccounts.ToDictionary(a => a.Id, a => new Balance(a), StringComparer.Ordinal);
        _transfers = new(StringComparer.Ordinal);
        _resolutions = new(StringComparer.Ordinal);
        foreach (var transfer in knownTransfers)
        {
            _transfers[transfer.Id] = transfer;
            if (transfer.PendingId is { } pendingId)
            {
                _resolutions[pendingId] = transfer;
            }
        }
    }

    /// <summary>The transfers to insert, in batch order.</summary>
    public IReadOnlyList<TransferRecord> Created => _created;

    /// <summary>The accounts whose balances changed, with the change.</summary>
    public IEnumerable<Balance> Changed => _accounts.Values.Where(b => b.Changed);

    public static TransferOutcome[] Run(IReadOnlyList<TransferCommand> commands, BatchPlan plan)
    {
        var outcomes = new TransferOutcome[commands.Count];
        for (var start = 0; start < commands.Count;)
        {
            var end = start;
            while (end < commands.Count - 1 && commands[end].Linked)
            {
                end++;
            }
            var open = commands[end].Linked;
            if (end == start && !open)
            {
                outcomes[start] = plan.Apply(commands[start]);
                start++;
                continue;
            }

            plan.BeginChain();
            var failed = -1;
            for (var i = start; i <= end && failed < 0; i++)
            {
                outcomes[i] = open && i == end
                    ? TransferOutcome.Fail(LedgerError.Unprocessable("linked_event_chain_open", "The last transfer of the batch is linked: its chain has no end."))
                    : plan.Apply(commands[i]);
                failed = outcomes[i].Error is null ? -1 : i;
            }
            if (failed >= 0)
            {
                plan.RollbackChain();
                for (var i = start; i <= end; i++)
                {
                    if (i != failed)
                    {
                        outcomes[i] = TransferOutcome.Fail(LedgerError.Unprocessable("linked_event_failed",
                            $"Transfer {commands[failed].Id} (item {failed}) of the linked chain failed: {outcomes[failed].Error!.Code}."));
                    }
                }
            }
            else
            {
                plan.CommitChain();
            }
            start = end + 1;
        }
        return outcomes;
    }

    public TransferOutcome Apply(TransferCommand command)
    {
        if (command.Invalid is { } invalid)
        {
            return TransferOutcome.Fail(invalid);
        }
        if (_transfers.TryGetValue(command.Id, out var earlier))
        {
            return SameAs(earlier, command);
        }
        return command.PendingId is null ? Create(command) : Resolve(command);
    }

    private TransferOutcome Create(TransferCommand command)
    {
        if (!_accounts.TryGetValue(command.DebitAccountId!, out var debit))
        {
            return TransferOutcome.Fail(LedgerError.Unprocessable("account_not_found", $"No debit account {command.DebitAccountId}."));
        }
        if (!_accounts.TryGetValue(command.CreditAccountId!, out var credit))
        {
            return TransferOutcome.Fail(LedgerError.Unprocessable("account_not_found", $"No credit account {command.CreditAccountId}."));
        }
        if (debit.Account.Ledger != command.Ledger || credit.Account.Ledger != command.Ledger)
        {
            return TransferOutcome.Fail(LedgerError.Unprocessable("ledger_mismatch",
                $"The transfer is on ledger {command.Ledger}; {debit.Account.Id} is on {debit.Account.Ledger} and {credit.Account.Id} on {credit.Account.Ledger}."));
        }
        var amount = command.Amount!.Value;
        // Pending debits count against the limit, so a hold reserves the funds (TigerBeetle's rule).
        if (debit.Account.DebitsMustNotExceedCredits && (decimal)debit.DebitsPending + debit.DebitsPosted + amount > debit.CreditsPosted)
        {
            return TransferOutcome.Fail(LedgerError.Unprocessable("exceeds_credits", $"Account {debit.Account.Id} would have more debits than credits."));
        }
        if (credit.Account.CreditsMustNotExceedDebits && (decimal)credit.CreditsPending + credit.CreditsPosted + amount > credit.DebitsPosted)
        {
            return TransferOutcome.Fail(LedgerError.Unprocessable("exceeds_debits", $"Account {credit.Account.Id} would have more credits than debits."));
        }
        if ((decimal)debit.DebitsPending + debit.DebitsPosted + amount > long.MaxValue
            || (decimal)credit.CreditsPending + credit.CreditsPosted + amount > long.MaxValue)
        {
            return TransferOutcome.Fail(LedgerError.Unprocessable("overflows_balance", "The transfer would overflow a balance."));
        }

        var pending = command.Kind == TransferKinds.Pending;
        Move(debit, credit, pending ? amount : 0, pending ? 0 : amount);
        return Add(new TransferRecord(0, command.Id, debit.Account.Id, credit.Account.Id, amount, command.Ledger!, command.Kind, null,
            command.TimeoutSeconds, pending && command.TimeoutSeconds is { } seconds ? _now.AddSeconds(seconds) : null, _now, command.Linked));
    }

    private TransferOutcome Resolve(TransferCommand command)
    {
        var pendingId = command.PendingId!;
        if (!_transfers.TryGetValue(pendingId, out var hold))
        {
            return TransferOutcome.Fail(LedgerError.NotFound("pending_transfer_not_found", $"No transfer {pendingId}."));
        }
        if (hold.Kind != TransferKinds.Pending)
        {
            return TransferOutcome.Fail(LedgerError.Unprocessable("pending_transfer_not_pending", $"Transfer {pendingId} is {hold.Kind}, not a pending transfer."));
        }
        if (_resolutions.TryGetValue(pendingId, out var resolution))
        {
            return TransferOutcome.Fail(AlreadyResolved(resolution));
        }
        var expired = hold.TimeoutAt is { } timeoutAt && timeoutAt <= _now;
        if (command.Kind == TransferKinds.ExpirePending ? !expired : expired)
        {
            return TransferOutcome.Fail(command.Kind == TransferKinds.ExpirePending
                ? LedgerError.Conflict("pending_transfer_not_expired", $"The hold {pendingId} times out at {hold.TimeoutAt:O}.")
                : LedgerError.Conflict("pending_transfer_expired", $"The hold {pendingId} timed out at {hold.TimeoutAt:O}; the ledger releases it."));
        }
        var post = command.Kind == TransferKinds.PostPending;
        var amount = post ? command.Amount ?? hold.Amount : hold.Amount;
        if (amount > hold.Amount)
        {
            return TransferOutcome.Fail(LedgerError.Unprocessable("exceeds_pending_amount", $"Cannot post {amount}: the hold {pendingId} is for {hold.Amount}."));
        }
        if (!_accounts.TryGetValue(hold.DebitAccountId, out var debit) || !_accounts.TryGetValue(hold.CreditAccountId, out var credit))
        {
            throw new InvalidOperationException($"The accounts of hold {pendingId} are not locked.");
        }

        // The whole hold leaves pending; only the posted amount arrives in posted. Neither can break a limit:
        // a limited side only shrinks (debits_pending + debits_posted, or credits_pending + credits_posted).
        Move(debit, credit, -hold.Amount, post ? amount : 0);
        var record = new TransferRecord(0, command.Id, hold.DebitAccountId, hold.CreditAccountId, amount, hold.Ledger, command.Kind, pendingId,
            null, null, _now, command.Linked);
        _resolutions[pendingId] = record;
        if (_inChain)
        {
            _undo.Add(() => _resolutions.Remove(pendingId));
        }
        return Add(record);
    }

    private TransferOutcome SameAs(TransferRecord earlier, TransferCommand command)
    {
        bool same;
        if (command.PendingId is null)
        {
            same = earlier.Kind == command.Kind && earlier.DebitAccountId == command.DebitAccountId && earlier.CreditAccountId == command.CreditAccountId
                && earlier.Amount == command.Amount && earlier.Ledger == command.Ledger && earlier.TimeoutSeconds == command.TimeoutSeconds;
        }
        else
        {
            same = earlier.Kind == command.Kind && earlier.PendingId == command.PendingId
                && (command.Amount is { } amount ? earlier.Amount == amount
                    : command.Kind != TransferKinds.PostPending || _transfers.GetValueOrDefault(command.PendingId)?.Amount == earlier.Amount);
            if (!same && earlier.PendingId == command.PendingId)
            {
                // The hold was resolved differently under this id, e.g. a second post for another amount.
                return TransferOutcome.Fail(AlreadyResolved(earlier));
            }
        }
        return same
            ? new TransferOutcome(earlier, false, null)
            : TransferOutcome.Fail(LedgerError.Conflict("transfer_exists_with_different_fields", $"Transfer {command.Id} exists with different fields."));
    }

    private static LedgerError AlreadyResolved(TransferRecord resolution) => resolution.Kind switch
    {
        TransferKinds.PostPending => LedgerError.Conflict("pending_transfer_already_posted",
            $"The hold {resolution.PendingId} was already posted by {resolution.Id} (amount {resolution.Amount})."),
        TransferKinds.VoidPending => LedgerError.Conflict("pending_transfer_already_voided", $"The hold {resolution.PendingId} was already voided by {resolution.Id}."),
        _ => LedgerError.Conflict("pending_transfer_expired", $"The hold {resolution.PendingId} expired and was released by {resolution.Id}."),
    };

    private TransferOutcome Add(TransferRecord record)
    {
        _transfers[record.Id] = record;
        _created.Add(record);
        if (_inChain)
        {
            _undo.Add(() =>
            {
                _transfers.Remove(record.Id);
                _created.RemoveAt(_created.Count - 1);
            });
        }
        return new TransferOutcome(record, true, null);
    }

    private void Move(Balance debit, Balance credit, long pendingChange, long postedChange)
    {
        if (_inChain)
        {
            _undo.Add(() =>
            {
                debit.DebitsPending -= pendingChange;
                debit.DebitsPosted -= postedChange;
                credit.CreditsPending -= pendingChange;
                credit.CreditsPosted -= postedChange;
            });
        }
        debit.DebitsPending += pendingChange;
        debit.DebitsPosted += postedChange;
        credit.CreditsPending += pendingChange;
        credit.CreditsPosted += postedChange;
    }

    private void BeginChain()
    {
        _inChain = true;
        _undo.Clear();
    }

    private void RollbackChain()
    {
        for (var i = _undo.Count - 1; i >= 0; i--)
        {
            _undo[i]();
        }
        _undo.Clear();
        _inChain = false;
    }

    private void CommitChain()
    {
        _undo.Clear();
        _inChain = false;
    }

    /// <summary>An account's balances as the batch changes them.</summary>
    internal sealed class Balance(AccountRecord account)
    {
        public AccountRecord Account { get; } = account;

        public long DebitsPending { get; set; } = account.DebitsPending;

        public long DebitsPosted { get; set; } = account.DebitsPosted;

        public long CreditsPending { get; set; } = account.CreditsPending;

        public long CreditsPosted { get; set; } = account.CreditsPosted;

        public bool Changed => DebitsPending != Account.DebitsPending || DebitsPosted != Account.DebitsPosted
            || CreditsPending != Account.CreditsPending || CreditsPosted != Account.CreditsPosted;
    }
}
