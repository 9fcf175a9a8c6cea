using System.Net;
using System.Text.Json;
using Npgsql;
using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.Testing;

namespace PaymentPlatform.Platform.Tests.Gateway;

/// <summary>The public events API through the real platform: the event object, pagination, filters, isolation and retention.</summary>
[Collection(PlatformCollection.Name)]
public class EventsTests(PlatformFixture fixture)
{
    [Fact]
    public async Task AnEventIsStripesEventObjectWithThePaymentAsDataObjectAndNoTraceparent()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var paymentId = await merchant.NewPaymentAsync(1200);

        var list = await GetAsync(merchant, "/v1/events");
        var summary = Assert.Single(list.GetProperty("data").EnumerateArray());
        var id = summary.GetProperty("id").GetString()!;
        var stored = await GetAsync(merchant, $"/v1/events/{id}");

        Assert.StartsWith("evt_", id, StringComparison.Ordinal);
        Assert.Equal("event", stored.GetProperty("object").GetString());
        Assert.Equal("payment.authorized", stored.GetProperty("type").GetString());
        Assert.InRange(stored.GetProperty("created").GetInt64(), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds());
        var payment = stored.GetProperty("data").GetProperty("object");
        Assert.Equal(paymentId, payment.GetProperty("id").GetString());
        Assert.Equal(1200, payment.GetProperty("amount").GetInt64());
        Assert.DoesNotContain("traceparent", stored.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(summary.GetRawText(), stored.GetRawText());
        Assert.Equal("list", list.GetProperty("object").GetString());
        Assert.Equal("/v1/events", list.GetProperty("url").GetString());
        Assert.False(list.GetProperty("has_more").GetBoolean());
    }

    [Fact]
    public async Task TheListPagesNewestFirstWithStartingAfterAndEndingBefore()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        for (var i = 0; i < 3; i++)
        {
            await merchant.NewPaymentAsync(1000 + i, "automatic");   // authorized and captured
        }
        await merchant.NewPaymentAsync(2000);                        // authorized
        var expected = await EventIdsAsync(merchant.Id);
        Assert.Equal(7, expected.Count);

        var pages = new List<JsonElement>();
        string? after = null;
        while (true)
        {
            var page = await GetAsync(merchant, $"/v1/events?limit=2{(after is null ? "" : $"&starting_after={after}")}");
            pages.Add(page);
            var data = page.GetProperty("data");
            Assert.InRange(data.GetArrayLength(), 1, 2);
            after = data[data.GetArrayLength() - 1].GetProperty("id").GetString();
            if (!page.GetProperty("has_more").GetBoolean())
            {
                break;
            }
            Assert.True(pages.Count < 10, "has_more never became false");
        }
        var seen = pages.SelectMany(p => p.GetProperty("data").EnumerateArray()).ToList();
        Assert.Equal(4, pages.Count);
        Assert.Equal(expected.Order(StringComparer.Ordinal), seen.Select(e => e.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
        var created = seen.Select(e => e.GetProperty("created").GetInt64()).ToList();
        Assert.Equal(created.OrderDescending(), created);

        // ending_before the third page's first event is the second page again.
        var firstOfThird = pages[2].GetProperty("data")[0].GetProperty("id").GetString();
        var back = await GetAsync(merchant, $"/v1/events?limit=2&ending_before={firstOfThird}");
        Assert.Equal(Ids(pages[1]), Ids(back));
        Assert.True(back.GetProperty("has_more").GetBoolean());
    }

    [Fact]
    public async Task TheListFiltersByTypeAndCreatedAndRefusesAnUnknownType()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        await merchant.NewPaymentAsync(1000, "automatic");
        await merchant.NewPaymentAsync(1000, "automatic");
        await merchant.NewPaymentAsync(1000);

        var captured = await GetAsync(merchant, "/v1/events?type=payment.captured");
        Assert.Equal(2, captured.GetProperty("data").GetArrayLength());
        Assert.All(captured.GetProperty("data").EnumerateArray(), e => Assert.Equal("payment.captured", e.GetProperty("type").GetString()));
        var authorized = await GetAsync(merchant, "/v1/events?type=payment.authorized&limit=2");
        Assert.Equal(2, authorized.GetProperty("data").GetArrayLength());
        Assert.True(authorized.GetProperty("has_more").GetBoolean());
        Assert.Empty((await GetAsync(merchant, "/v1/events?type=refund.succeeded")).GetProperty("data").EnumerateArray());

        var now = DateTimeOffset.UtcNow;
        Assert.Equal(5, (await GetAsync(merchant, $"/v1/events?created[gte]={now.AddMinutes(-10).ToUnixTimeSeconds()}&created[lte]={now.AddMinutes(10).ToUnixTimeSeconds()}"))
            .GetProperty("data").GetArrayLength());
        Assert.Empty((await GetAsync(merchant, $"/v1/events?created[gte]={now.AddMinutes(10).ToUnixTimeSeconds()}")).GetProperty("data").EnumerateArray());
        Assert.Empty((await GetAsync(merchant, $"/v1/events?created[lte]={now.AddMinutes(-10).ToUnixTimeSeconds()}")).GetProperty("data").EnumerateArray());

        foreach (var bad in new[] { "type=payment.created", "type=*", "type=payment.captured&type=payment.authorized", "limit=0", "limit=101", "created[gte]=yesterday" })
        {
            using var response = await merchant.Client.GetAsync(new Uri($"/v1/events?{bad}", UriKind.Relative));
            await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        }
        // An empty filter is no filter, as for the other lists.
        Assert.Equal(5, (await GetAsync(merchant, "/v1/events?type=")).GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task AnotherMerchantsEventIsNotFoundNorListedNorACursor()
    {
        using var a = await fixture.App.CreateMerchantAsync();
        using var b = await fixture.App.CreateMerchantAsync();
        await a.NewPaymentAsync();
        var eventId = Assert.Single(await EventIdsAsync(a.Id));

        using (var response = await b.Client.GetAsync(new Uri($"/v1/events/{eventId}", UriKind.Relative)))
        {
            await response.ExpectProblemAsync(HttpStatusCode.NotFound, "event_not_found");
        }
        Assert.Empty((await GetAsync(b, "/v1/events")).GetProperty("data").EnumerateArray());
        using (var response = await b.Client.GetAsync(new Uri($"/v1/events?starting_after={eventId}", UriKind.Relative)))
        {
            await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        }
        using (var response = await a.Client.GetAsync(new Uri("/v1/events/evt_0000000000000000000000ff", UriKind.Relative)))
        {
            await response.ExpectProblemAsync(HttpStatusCode.NotFound, "event_not_found");
        }
        using (var anonymous = fixture.App.CreateHttpClient("gateway"))
        using (var response = await anonymous.GetAsync(new Uri("/v1/events", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    /// <summary>
    /// Rows written straight into paymentsdb, 31 days old: the relayed one is purged by the retention job (default
    /// 30 days, a pass a minute); one the relay is still holding (locked, its relayed_at being cleared) is skipped,
    /// and a 29-day-old one is kept.
    /// </summary>
    [Fact]
    public async Task TheRetentionJobPurgesRelayedEventsOlderThan30DaysAndSkipsOnesBeingRelayed()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var paymentsDb = (await fixture.App.GetConnectionStringAsync("paymentsdb"))!;
        string NewId() => "evt_" + Guid.NewGuid().ToString("N")[..24];
        var (old, held, recent) = (NewId(), NewId(), NewId());
        await Probes.QueryAsync(paymentsDb,
            """
            INSERT INTO events (id, type, merchant_id, payload, created_at, relayed_at) VALUES
                ($1, 'payment.authorized', $4, '{"object": {"id": "pay_retention"}}', now() - interval '31 days', now() - interval '31 days'),
                ($2, 'payment.authorized', $4, '{"object": {"id": "pay_retention"}}', now() - interval '31 days', now() - interval '31 days'),
                ($3, 'payment.authorized', $4, '{"object": {"id": "pay_retention"}}', now() - interval '29 days', now() - interval '29 days')
            """, old, held, recent, merchant.Id);
        Assert.Equal(3, (await GetAsync(merchant, "/v1/events")).GetProperty("data").GetArrayLength());

        // The relay's claim: a row lock, and (until it commits) relayed_at still NULL for it.
        await using var relaying = new NpgsqlConnection(paymentsDb);
        await relaying.OpenAsync();
        await using var transaction = await relaying.BeginTransactionAsync();
        await using (var claim = new NpgsqlCommand("UPDATE events SET relayed_at = NULL WHERE id = $1", relaying, transaction))
        {
            claim.Parameters.Add(new NpgsqlParameter { Value = held });
            Assert.Equal(1, await claim.ExecuteNonQueryAsync());
        }

        await Probes.EventuallyAsync(async () => await fixture.App.CountAsync("SELECT count(*) FROM events WHERE id = $1", old) == 0,
            TimeSpan.FromSeconds(150), "the retention job to purge the 31-day-old relayed event");
        Assert.Equal(1, await fixture.App.CountAsync("SELECT count(*) FROM events WHERE id = $1", held));
        Assert.Equal(1, await fixture.App.CountAsync("SELECT count(*) FROM events WHERE id = $1", recent));
        using (var response = await merchant.Client.GetAsync(new Uri($"/v1/events/{old}", UriKind.Relative)))
        {
            await response.ExpectProblemAsync(HttpStatusCode.NotFound, "event_not_found");
        }
        Assert.Equal([recent, held], Ids(await GetAsync(merchant, "/v1/events")));

        await transaction.RollbackAsync();
        await Probes.QueryAsync(paymentsDb, "DELETE FROM events WHERE id = ANY($1)", (object)new[] { held, recent });
    }

    private async Task<List<string>> EventIdsAsync(string merchantId) =>
        (await Probes.QueryAsync((await fixture.App.GetConnectionStringAsync("paymentsdb"))!, "SELECT id FROM events WHERE merchant_id = $1", merchantId))
            .Select(r => (string)r[0]!).ToList();

    private static List<string> Ids(JsonElement page) => [.. page.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetString()!)];

    private static async Task<JsonElement> GetAsync(TestMerchant merchant, string path)
    {
        using var response = await merchant.Client.GetAsync(new Uri(path, UriKind.Relative));
        return await response.ExpectAsync(HttpStatusCode.OK);
    }
}
