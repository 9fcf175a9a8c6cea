using System.Net;
using System.Text.Json;
using Npgsql;

namespace PaymentPlatform.Platform.Tests;

/// <summary>The ledger over real HTTP, with the internal token, against its own database.</summary>
[Collection(PlatformCollection.Name)]
public class LedgerTests(PlatformFixture fixture)
{
    [Fact]
    public async Task AHoldIsPlacedRetriedPostedInPartAndTheBalancesAddUp()
    {
        using var ledger = await fixture.App.CreateInternalClientAsync("ledger");
        var (clearing, pending, available) = await CreateMerchantAccountsAsync(ledger);
        var hold = InternalServices.NewId("pay") + ":auth";
        var placeHold = Transfer(hold, clearing, pending, 1000, pending: true, timeoutSeconds: 604800);

        var created = await (await ledger.PostJsonAsync("/v1/transfers", placeHold)).ExpectAsync(HttpStatusCode.Created);
        var retried = await (await ledger.PostJsonAsync("/v1/transfers", placeHold)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("created", created.GetProperty("result").GetString());
        Assert.True(created.GetProperty("pending").GetBoolean());
        Assert.Equal("exists", retried.GetProperty("result").GetString());
        Assert.Equal(created.GetProperty("created_at").GetString(), retried.GetProperty("created_at").GetString());
        Assert.Equal(1000, (await AccountAsync(ledger, pending)).GetProperty("credits_pending").GetInt64());

        var posted = await (await ledger.PostJsonAsync($"/v1/transfers/{hold}/post", new { amount = 600 })).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(hold + ":post", posted.GetProperty("id").GetString());
        Assert.Equal(hold, posted.GetProperty("pending_id").GetString());
        Assert.Equal(600, posted.GetProperty("amount").GetInt64());
        var postedAgain = await (await ledger.PostJsonAsync($"/v1/transfers/{hold}/post", new { amount = 600 })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("exists", postedAgain.GetProperty("result").GetString());
        await (await ledger.PostAsync(new Uri($"/v1/transfers/{hold}/void", UriKind.Relative), null))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "pending_transfer_already_posted");

        // The capture moves the posted amount on to available (the gateway's next transfer).
        await (await ledger.PostJsonAsync("/v1/transfers", Transfer(hold.Replace(":auth", ":capture", StringComparison.Ordinal), pending, available, 600)))
            .ExpectAsync(HttpStatusCode.Created);

        var accounts = new[] { await AccountAsync(ledger, clearing), await AccountAsync(ledger, pending), await AccountAsync(ledger, available) };
        Assert.Equal((0L, 600L, 0L, 0L), Balances(accounts[0]));      // the 400 not captured was released
        Assert.Equal((0L, 600L, 0L, 600L), Balances(accounts[1]));
        Assert.Equal((0L, 0L, 0L, 600L), Balances(accounts[2]));
        Assert.Equal(accounts.Sum(a => a.GetProperty("debits_posted").GetInt64()), accounts.Sum(a => a.GetProperty("credits_posted").GetInt64()));
        Assert.Equal(accounts.Sum(a => a.GetProperty("debits_pending").GetInt64()), accounts.Sum(a => a.GetProperty("credits_pending").GetInt64()));

        var reconciliation = await (await ledger.GetAsync(new Uri("/v1/reconciliation", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        Assert.True(reconciliation.GetProperty("balanced").GetBoolean(), reconciliation.ToString());
        Assert.Empty(reconciliation.GetProperty("mismatched_accounts").EnumerateArray());
    }

    [Fact]
    public async Task APaymentsCaptureWithAFeeAndItsRefundPostAsContractsDescribeAndTheLedgerReconciles()
    {
        using var ledger = await fixture.App.CreateInternalClientAsync("ledger");
        var (clearing, pending, available) = await CreateMerchantAccountsAsync(ledger);
        var payment = InternalServices.NewId("pay");
        await (await ledger.PostJsonAsync("/v1/transfers", Transfer(payment + ":auth", clearing, pending, 5000, pending: true, timeoutSeconds: 604800)))
            .ExpectAsync(HttpStatusCode.Created);

        var capture = await (await ledger.PostJsonAsync($"/v1/payments/{payment}/capture", new { amount = 4000, fee = 146 })).ExpectAsync(HttpStatusCode.Created);
        await (await ledger.PostJsonAsync($"/v1/payments/{payment}/capture", new { amount = 4000, fee = 146 })).ExpectAsync(HttpStatusCode.OK);
        var refund = InternalServices.NewId("re");
        await (await ledger.PostJsonAsync($"/v1/payments/{payment}/refunds", new { refund_id = refund, amount = 3855 }))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "exceeds_credits");
        await (await ledger.PostJsonAsync($"/v1/payments/{payment}/refunds", new { refund_id = refund, amount = 3854 })).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal([$"{payment}:auth:post", $"{payment}:capture", $"{payment}:fee"],
            capture.GetProperty("transfers").EnumerateArray().Select(t => t.GetProperty("id").GetString()));
        Assert.Equal((0L, 4000L, 0L, 3854L), Balances(await AccountAsync(ledger, clearing)));
        Assert.Equal((0L, 4000L, 0L, 4000L), Balances(await AccountAsync(ledger, pending)));
        Assert.Equal((0L, 4000L, 0L, 4000L), Balances(await AccountAsync(ledger, available)));
        var reconciliation = await (await ledger.GetAsync(new Uri("/v1/reconciliation", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        Assert.True(reconciliation.GetProperty("balanced").GetBoolean(), reconciliation.ToString());
    }

    [Fact]
    public async Task AVoidReleasesTheWholeHoldExactlyOnce()
    {
        using var ledger = await fixture.App.CreateInternalClientAsync("ledger");
        var (clearing, pending, _) = await CreateMerchantAccountsAsync(ledger);
        var hold = InternalServices.NewId("pay") + ":auth";
        await (await ledger.PostJsonAsync("/v1/transfers", Transfer(hold, clearing, pending, 750, pending: true, timeoutSeconds: 3600))).ExpectAsync(HttpStatusCode.Created);

        var voided = await (await ledger.PostAsync(new Uri($"/v1/transfers/{hold}/void", UriKind.Relative), null)).ExpectAsync(HttpStatusCode.Created);
        var again = await (await ledger.PostAsync(new Uri($"/v1/transfers/{hold}/void", UriKind.Relative), null)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("void_pending", voided.GetProperty("kind").GetString());
        Assert.Equal("exists", again.GetProperty("result").GetString());
        await (await ledger.PostJsonAsync($"/v1/transfers/{hold}/post", new { amount = 100 }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "pending_transfer_already_voided");
        Assert.Equal((0L, 0L, 0L, 0L), Balances(await AccountAsync(ledger, pending)));
    }

    [Fact]
    public async Task ConcurrentRetriesOfOneHoldCreateItExactlyOnce()
    {
        using var ledger = await fixture.App.CreateInternalClientAsync("ledger");
        var (clearing, pending, _) = await CreateMerchantAccountsAsync(ledger);
        var placeHold = Transfer(InternalServices.NewId("pay") + ":auth", clearing, pending, 1234, pending: true, timeoutSeconds: 604800);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => ledger.PostJsonAsync("/v1/transfers", placeHold)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.OK }));
        Assert.Equal(1234, (await AccountAsync(ledger, pending)).GetProperty("credits_pending").GetInt64());
    }

    [Fact]
    public async Task ARetryWithDifferentFieldsIsAConflict()
    {
        using var ledger = await fixture.App.CreateInternalClientAsync("ledger");
        var (clearing, pending, _) = await CreateMerchantAccountsAsync(ledger);
        var id = InternalServices.NewId("pay") + ":auth";
        await (await ledger.PostJsonAsync("/v1/transfers", Transfer(id, clearing, pending, 500, pending: true))).ExpectAsync(HttpStatusCode.Created);

        await (await ledger.PostJsonAsync("/v1/transfers", Transfer(id, clearing, pending, 501, pending: true)))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "transfer_exists_with_different_fields");
        await (await ledger.PostJsonAsync("/v1/accounts", new { id = pending, ledger = "eur", code = "merchant_pending" }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "account_exists_with_different_fields");
    }

    [Fact]
    public async Task TransfersThatBreakTheLedgersRulesAreRefusedWithStableProblems()
    {
        using var ledger = await fixture.App.CreateInternalClientAsync("ledger");
        var (clearing, pending, available) = await CreateMerchantAccountsAsync(ledger);
        var euros = InternalServices.NewId("acc");
        await (await ledger.PostJsonAsync("/v1/accounts", new { id = euros, ledger = "eur", code = "customer_clearing" })).ExpectAsync(HttpStatusCode.Created);

        await (await ledger.PostJsonAsync("/v1/transfers", Transfer(InternalServices.NewId("t"), clearing, "acc_does_not_exist", 1)))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "account_not_found");
        await (await ledger.PostJsonAsync("/v1/transfers", Transfer(InternalServices.NewId("t"), euros, pending, 1)))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "ledger_mismatch");
        // available may not go below zero: a refund larger than what was captured.
        await (await ledger.PostJsonAsync("/v1/transfers", Transfer(InternalServices.NewId("re") + ":refund", available, clearing, 1)))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "exceeds_credits");
        await (await ledger.PostJsonAsync("/v1/transfers", new { id = "t", amount = "ten" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        var invalid = await (await ledger.PostJsonAsync("/v1/transfers", new { id = "t", debit_account_id = clearing, credit_account_id = clearing, amount = -5, ledger = "USD" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal(["credit_account_id", "amount", "ledger"], invalid.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        await (await ledger.GetAsync(new Uri("/v1/accounts/acc_does_not_exist", UriKind.Relative)))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "account_not_found");
    }

    [Fact]
    public async Task ABatchGetsAResultPerItemInOrder()
    {
        using var ledger = await fixture.App.CreateInternalClientAsync("ledger");
        var (clearing, pending, available) = await CreateMerchantAccountsAsync(ledger);
        var first = InternalServices.NewId("t");

        var batch = await (await ledger.PostJsonAsync("/v1/transfers", new object[]
        {
            Transfer(first, clearing, pending, 300),
            Transfer(first, clearing, pending, 300),
            Transfer(InternalServices.NewId("t"), pending, available, 301),
            new { id = "x" },
        })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(["created", "exists", "exceeds_credits", "invalid_request"],
            batch.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("result").GetString()));
        Assert.Equal([201, 200, 422, 400], batch.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("status").GetInt32()));
    }

    [Fact]
    public async Task AnAccountsTransfersArePagedWithACursor()
    {
        using var ledger = await fixture.App.CreateInternalClientAsync("ledger");
        var (clearing, pending, _) = await CreateMerchantAccountsAsync(ledger);
        var ids = Enumerable.Range(0, 3).Select(_ => InternalServices.NewId("t")).ToArray();
        foreach (var id in ids)
        {
            await (await ledger.PostJsonAsync("/v1/transfers", Transfer(id, clearing, pending, 10))).ExpectAsync(HttpStatusCode.Created);
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await ledger.GetAsync(new Uri($"/v1/accounts/{pending}/transfers?limit=2" + (cursor is null ? "" : $"&cursor={cursor}"), UriKind.Relative)))
                .ExpectAsync(HttpStatusCode.OK);
            seen.AddRange(page.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("id").GetString()!));
            cursor = page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(ids, seen);
    }

    [Fact]
    public async Task TheLedgersOwnRoleCannotUpdateDeleteOrTruncateTransfers()
    {
        using var ledger = await fixture.App.CreateInternalClientAsync("ledger");
        var (clearing, pending, _) = await CreateMerchantAccountsAsync(ledger);
        var id = InternalServices.NewId("t");
        await (await ledger.PostJsonAsync("/v1/transfers", Transfer(id, clearing, pending, 10))).ExpectAsync(HttpStatusCode.Created);
        var connectionString = await fixture.App.GetConnectionStringAsync("ledgerdb");
        Assert.Contains("Username=ledgerdb;", connectionString, StringComparison.Ordinal);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
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

        // The role still reads transfers and keeps balances in accounts.
        await using var read = new NpgsqlCommand("SELECT amount FROM transfers WHERE id = $1", connection) { Parameters = { new() { Value = id } } };
        Assert.Equal(10L, await read.ExecuteScalarAsync());
        await using var privileges = new NpgsqlCommand(
            "SELECT has_table_privilege('transfers', 'INSERT'), has_table_privilege('transfers', 'UPDATE'), has_table_privilege('accounts', 'UPDATE')", connection);
        await using var reader = await privileges.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal((true, false, true), (reader.GetBoolean(0), reader.GetBoolean(1), reader.GetBoolean(2)));
    }

    private static object Transfer(string id, string debit, string credit, long amount, bool pending = false, int? timeoutSeconds = null) => new
    {
        id,
        debit_account_id = debit,
        credit_account_id = credit,
        amount,
        ledger = "usd",
        pending,
        timeout_seconds = timeoutSeconds,
    };

    /// <summary>A fresh merchant's accounts, and a clearing account of this test's own, so balances start at zero.</summary>
    private static async Task<(string Clearing, string Pending, string Available)> CreateMerchantAccountsAsync(HttpClient ledger)
    {
        var merchant = InternalServices.NewId("mer");
        var clearing = $"platform:{merchant}:usd:customer_clearing";
        var pending = $"merchant:{merchant}:usd:pending";
        var available = $"merchant:{merchant}:usd:available";
        var limited = new { debits_must_not_exceed_credits = true };
        var created = await (await ledger.PostJsonAsync("/v1/accounts", new { id = clearing, ledger = "usd", code = "customer_clearing" })).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("created", created.GetProperty("result").GetString());
        await (await ledger.PostJsonAsync("/v1/accounts", new { id = pending, ledger = "usd", code = "merchant_pending", flags = limited })).ExpectAsync(HttpStatusCode.Created);
        await (await ledger.PostJsonAsync("/v1/accounts", new { id = available, ledger = "usd", code = "merchant_available", flags = limited })).ExpectAsync(HttpStatusCode.Created);
        var again = await (await ledger.PostJsonAsync("/v1/accounts", new { id = available, ledger = "usd", code = "merchant_available", flags = limited })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("exists", again.GetProperty("result").GetString());
        return (clearing, pending, available);
    }

    private static async Task<JsonElement> AccountAsync(HttpClient ledger, string id) =>
        await (await ledger.GetAsync(new Uri($"/v1/accounts/{id}", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);

    private static (long DebitsPending, long DebitsPosted, long CreditsPending, long CreditsPosted) Balances(JsonElement account) => (
        account.GetProperty("debits_pending").GetInt64(), account.GetProperty("debits_posted").GetInt64(),
        account.GetProperty("credits_pending").GetInt64(), account.GetProperty("credits_posted").GetInt64());
}
