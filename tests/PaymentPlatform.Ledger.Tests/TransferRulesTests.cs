using System.Net;
using Npgsql;

namespace PaymentPlatform.Ledger.Tests;

public class TransferRulesTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    [Fact]
    public async Task AnAccountShowsItsLedgerCodeFlagsBalancesAndTimestamps()
    {
        using var ledger = fixture.CreateClient();
        var id = LedgerCalls.NewId("acc");
        var body = new { id, ledger = "eur", code = "merchant_available", flags = new { debits_must_not_exceed_credits = true } };

        var created = await (await ledger.PostJsonAsync("/v1/accounts", body)).ExpectAsync(HttpStatusCode.Created);
        var again = await (await ledger.PostJsonAsync("/v1/accounts", body)).ExpectAsync(HttpStatusCode.OK);
        var read = await ledger.AccountAsync(id);

        Assert.Equal(("created", "exists"), (created.GetProperty("result").GetString(), again.GetProperty("result").GetString()));
        Assert.Equal(("eur", "merchant_available"), (read.GetProperty("ledger").GetString(), read.GetProperty("code").GetString()));
        Assert.True(read.GetProperty("flags").GetProperty("debits_must_not_exceed_credits").GetBoolean());
        Assert.False(read.GetProperty("flags").GetProperty("credits_must_not_exceed_debits").GetBoolean());
        Assert.Equal((0L, 0L, 0L, 0L), LedgerCalls.Balances(read));
        Assert.Equal(read.GetProperty("created_at").GetDateTimeOffset(), read.GetProperty("updated_at").GetDateTimeOffset());
        await (await ledger.PostJsonAsync("/v1/accounts", new { id, ledger = "eur", code = "merchant_available" }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "account_exists_with_different_fields");
        await (await ledger.PostJsonAsync("/v1/accounts", new { id = LedgerCalls.NewId("acc"), ledger = "usd", code = "x", flags = new { debits_must_not_exceed_credits = true, credits_must_not_exceed_debits = true } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task ARetryWithTheSameIdAndContentAnswersExistsAndWithDifferentContentIsAConflict()
    {
        using var ledger = fixture.CreateClient();
        var (clearing, pending, _) = await ledger.CreateMerchantAsync();
        var id = LedgerCalls.NewId("t");
        var first = await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(id, clearing, pending, 500))).ExpectAsync(HttpStatusCode.Created);

        var retry = await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(id, clearing, pending, 500))).ExpectAsync(HttpStatusCode.OK);
        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(id, clearing, pending, 501)))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "transfer_exists_with_different_fields");
        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(id, pending, clearing, 500)))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "transfer_exists_with_different_fields");
        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(id, clearing, pending, 500, pending: true)))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "transfer_exists_with_different_fields");

        Assert.Equal("exists", retry.GetProperty("result").GetString());
        Assert.Equal(first.GetProperty("created_at").GetString(), retry.GetProperty("created_at").GetString());
        Assert.Equal((0L, 0L, 0L, 500L), await ledger.BalancesAsync(pending));
    }

    [Fact]
    public async Task ConcurrentRequestsForOneIdOnDifferentAccountsCreateExactlyOneTransfer()
    {
        using var ledger = fixture.CreateClient();
        var merchants = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => ledger.CreateMerchantAsync()));
        var id = LedgerCalls.NewId("t");

        // The account locks do not cover the id: the losers fail on the primary key, run again and find the winner.
        var responses = await Task.WhenAll(merchants.Select(m => ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(id, m.Clearing, m.Pending, 10))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        var credited = 0L;
        foreach (var m in merchants)
        {
            credited += (await ledger.BalancesAsync(m.Pending)).CreditsPosted;
        }
        Assert.Equal(10, credited);
    }

    [Fact]
    public async Task BothAccountsMustExistAndBeOnTheTransfersLedger()
    {
        using var ledger = fixture.CreateClient();
        var (clearing, pending, _) = await ledger.CreateMerchantAsync();
        var euros = await ledger.CreateAccountAsync("customer_clearing", currency: "eur");

        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(LedgerCalls.NewId("t"), clearing, "acc_does_not_exist", 1)))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "account_not_found");
        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(LedgerCalls.NewId("t"), euros, pending, 1)))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "ledger_mismatch");
        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(LedgerCalls.NewId("t"), euros, pending, 1, ledger: "eur")))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "ledger_mismatch");
        var invalid = await (await ledger.PostJsonAsync("/v1/transfers", new { id = "t", debit_account_id = clearing, credit_account_id = clearing, amount = 0, ledger = "USD" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal(["credit_account_id", "amount", "ledger"], invalid.GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task DebitsCannotExceedCreditsNorCreditsExceedDebitsOnLimitedAccounts()
    {
        using var ledger = fixture.CreateClient();
        var source = await ledger.CreateAccountAsync("source");
        var wallet = await ledger.CreateAccountAsync("wallet", debitsMustNotExceedCredits: true);
        var capped = await ledger.CreateAccountAsync("capped", creditsMustNotExceedDebits: true);
        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(LedgerCalls.NewId("t"), source, wallet, 100))).ExpectAsync(HttpStatusCode.Created);
        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(LedgerCalls.NewId("t"), capped, source, 50))).ExpectAsync(HttpStatusCode.Created);

        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(LedgerCalls.NewId("t"), wallet, source, 101)))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "exceeds_credits");
        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(LedgerCalls.NewId("t"), wallet, source, 100))).ExpectAsync(HttpStatusCode.Created);
        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(LedgerCalls.NewId("t"), source, capped, 51)))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "exceeds_debits");
        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(LedgerCalls.NewId("t"), source, capped, 50))).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal((0L, 100L, 0L, 100L), await ledger.BalancesAsync(wallet));
        Assert.Equal((0L, 50L, 0L, 50L), await ledger.BalancesAsync(capped));
    }

    [Fact]
    public async Task AnAccountsTransfersArePagedWithACursorInCreationOrder()
    {
        using var ledger = fixture.CreateClient();
        var (clearing, pending, available) = await ledger.CreateMerchantAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(LedgerCalls.NewId("t"));
            var (debit, credit) = i % 2 == 0 ? (clearing, pending) : (pending, available);
            await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(ids[^1], debit, credit, 10))).ExpectAsync(HttpStatusCode.Created);
        }
        // A transfer of other accounts never shows.
        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(LedgerCalls.NewId("t"), clearing, available, 10))).ExpectAsync(HttpStatusCode.Created);

        var seen = new List<string>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await (await ledger.GetAsync($"/v1/accounts/{pending}/transfers?limit=2" + (cursor is null ? "" : $"&cursor={cursor}"))).ExpectAsync(HttpStatusCode.OK);
            seen.AddRange(page.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("id").GetString()!));
            cursor = page.GetProperty("next_cursor").GetString();
            Assert.Equal(cursor is not null, page.GetProperty("has_more").GetBoolean());
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(ids, seen);
        Assert.Equal(3, pages);
        await (await ledger.GetAsync($"/v1/accounts/{pending}/transfers?cursor=abc")).ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        await (await ledger.GetAsync("/v1/accounts/acc_none/transfers")).ExpectProblemAsync(HttpStatusCode.NotFound, "account_not_found");
    }

    [Fact]
    public async Task ABalanceAsOfATimeCountsOnlyTheTransfersCreatedUntilThen()
    {
        using var ledger = fixture.CreateClient();
        var (clearing, pending, _) = await ledger.CreateMerchantAsync();
        var first = await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(LedgerCalls.NewId("t"), clearing, pending, 100))).ExpectAsync(HttpStatusCode.Created);
        var hold = LedgerCalls.NewId("pay") + ":auth";
        var held = await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(hold, clearing, pending, 40, pending: true))).ExpectAsync(HttpStatusCode.Created);
        var post = await (await ledger.PostJsonAsync($"/v1/transfers/{hold}/post", new { amount = 30 })).ExpectAsync(HttpStatusCode.Created);

        async Task<(long, long, long, long)> AsOf(string at) => LedgerCalls.Balances(
            await (await ledger.GetAsync($"/v1/accounts/{pending}/balance?as_of={Uri.EscapeDataString(at)}")).ExpectAsync(HttpStatusCode.OK));
        string Time(System.Text.Json.JsonElement transfer) => transfer.GetProperty("created_at").GetString()!;

        Assert.Equal((0L, 0L, 0L, 0L), await AsOf(first.GetProperty("created_at").GetDateTimeOffset().AddTicks(-10).ToString("O")));
        Assert.Equal((0L, 0L, 0L, 100L), await AsOf(Time(first)));
        Assert.Equal((0L, 0L, 40L, 100L), await AsOf(Time(held)));
        Assert.Equal((0L, 0L, 0L, 130L), await AsOf(Time(post)));
        var now = await (await ledger.GetAsync($"/v1/accounts/{pending}/balance")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(LedgerCalls.Balances(await ledger.AccountAsync(pending)), LedgerCalls.Balances(now));
        await (await ledger.GetAsync($"/v1/accounts/{pending}/balance?as_of=yesterday")).ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        await (await ledger.GetAsync("/v1/accounts/acc_none/balance")).ExpectProblemAsync(HttpStatusCode.NotFound, "account_not_found");
    }

    [Fact]
    public async Task TheLedgersOwnRoleCannotUpdateDeleteOrTruncateTransfers()
    {
        using var ledger = fixture.CreateClient();
        var (clearing, pending, _) = await ledger.CreateMerchantAsync();
        var id = LedgerCalls.NewId("t");
        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(id, clearing, pending, 10))).ExpectAsync(HttpStatusCode.Created);
        Assert.Contains("Username=ledgerdb;", fixture.ConnectionString, StringComparison.Ordinal);

        await using var connection = await fixture.OpenConnectionAsync();
        foreach (var sql in new[] { "UPDATE transfers SET amount = amount + 1 WHERE id = $1", "DELETE FROM transfers WHERE id = $1", "TRUNCATE transfers" })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            if (sql.Contains("$1", StringComparison.Ordinal))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = id });
            }
            var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        }
        await using var read = new NpgsqlCommand("SELECT amount FROM transfers WHERE id = $1", connection) { Parameters = { new() { Value = id } } };
        Assert.Equal(10L, await read.ExecuteScalarAsync());
    }

    [Fact]
    public async Task ACorrectionIsANewTransferInTheOtherDirection()
    {
        using var ledger = fixture.CreateClient();
        var (clearing, pending, _) = await ledger.CreateMerchantAsync();
        var wrong = LedgerCalls.NewId("t");
        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(wrong, clearing, pending, 70))).ExpectAsync(HttpStatusCode.Created);

        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(wrong + ":reversal", pending, clearing, 70))).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal((0L, 70L, 0L, 70L), await ledger.BalancesAsync(pending));
        var page = await (await ledger.GetAsync($"/v1/accounts/{pending}/transfers")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, page.GetProperty("data").GetArrayLength());
        await ledger.ReconcileAsync();
    }

    [Fact]
    public async Task EveryRouteRequiresTheInternalToken()
    {
        using var anonymous = fixture.CreateClient(withToken: false);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1/reconciliation")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostJsonAsync("/v1/payments/pay_1/capture", new { amount = 1 })).StatusCode);
    }
}
