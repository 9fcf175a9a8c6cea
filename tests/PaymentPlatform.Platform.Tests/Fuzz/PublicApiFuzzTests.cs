using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.Testing;
using PaymentPlatform.Platform.Tests.Gateway;
using Xunit.Abstractions;

namespace PaymentPlatform.Platform.Tests.Fuzz;

/// <summary>
/// Issue 16, part 3: every route of the public API fed generated input. <c>FUZZ_SEED</c> replays a run,
/// <c>FUZZ_CASES_PER_ENDPOINT</c> and <c>FUZZ_CONCURRENCY</c> (default 24) size it: the test command runs the
/// short version (200 cases per route); the full suite is <c>FUZZ_CASES_PER_ENDPOINT=10000</c> (docs/reliability.md).
/// Every answer: no 5xx, problem+json for a 4xx, and (the first few of each route, category and status) valid against
/// <c>/openapi/v1.json</c>; no partial write, counted in paymentsdb and notifydb; and no route of the document unfuzzed.
/// </summary>
[Collection(FuzzCollection.Name)]
public sealed class PublicApiFuzzTests(FuzzFixture fixture, ITestOutputHelper output)
{
    /// <summary>The short version in the test command (issue 16: 200 cases per endpoint).</summary>
    private const int ShortRunCasesPerEndpoint = 200;
    private const int ManualPool = 30;
    private const int CancelPool = 15;
    private const int CapturedPool = 20;
    private const int KeyPool = 20;
    private const int KeptEndpointPool = 10;
    private const int DeletableEndpointPool = 30;

    /// <summary>The routes whose 2xx answers the write checks read: which keys were revoked, endpoints created or deleted, settings set.</summary>
    private static readonly string[] KeptBodies =
    [
        "POST /v1/api_keys/{keyId}/revoke", "POST /v1/merchants/{id}/api_keys/{keyId}/revoke", "POST /v1/merchants/{id}",
        "POST /v1/webhook_endpoints", "DELETE /v1/webhook_endpoints/{id}",
    ];

    /// <summary>
    /// A new route cannot be forgotten: every operation of the published document has its generator, and the
    /// generator fuzzes no route the document does not describe (its answers could not be validated).
    /// </summary>
    [Fact]
    public async Task EveryOperationOfTheOpenApiDocumentIsFuzzed()
    {
        using var anonymous = fixture.App.CreateHttpClient("gateway");
        var documented = FuzzContract.Operations(await FuzzContract.DocumentAsync(anonymous));
        var fuzzed = new FuzzGenerator(0, FuzzTargets.None).Endpoints.Select(e => e.Operation).ToList();
        var missing = documented.Except(fuzzed, StringComparer.Ordinal).ToList();
        var undocumented = fuzzed.Except(documented, StringComparer.Ordinal).ToList();
        output.WriteLine($"{documented.Count} operations in /openapi/v1.json, {fuzzed.Count} fuzzed");
        Assert.True(missing.Count == 0, $"Routes of /openapi/v1.json the fuzz suite does not generate cases for (add them to FuzzGenerator.BuildEndpoints): {string.Join(", ", missing)}");
        Assert.True(undocumented.Count == 0, $"Routes the fuzz suite generates that /openapi/v1.json does not describe: {string.Join(", ", undocumented)}");
        Assert.Equal(fuzzed.Count, fuzzed.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task FuzzedRequestsToEveryPublicRouteAreRefusedCleanlyAndWriteNothing()
    {
        var seed = EnvironmentInt("FUZZ_SEED") ?? RandomNumberGenerator.GetInt32(int.MaxValue);
        var perEndpoint = EnvironmentInt("FUZZ_CASES_PER_ENDPOINT") ?? ShortRunCasesPerEndpoint;
        var concurrency = EnvironmentInt("FUZZ_CONCURRENCY") ?? 24;
        output.WriteLine($"FUZZ_SEED={seed} (set it to replay this run), {perEndpoint} cases per endpoint, {concurrency} in flight");

        var app = fixture.App;
        var paymentsDb = await app.GetConnectionStringAsync("paymentsdb") ?? throw new InvalidOperationException("paymentsdb has no connection string.");
        var notifyDb = await app.GetConnectionStringAsync("notifydb") ?? throw new InvalidOperationException("notifydb has no connection string.");
        using var admin = await app.CreateAdminClientAsync();
        using var merchant = await app.CreateMerchantAsync(requestsPerSecond: 100_000, burst: 100_000);
        using var rollMerchant = await app.CreateMerchantAsync(requestsPerSecond: 100_000, burst: 100_000);
        using var webhookMerchant = await app.CreateMerchantAsync(requestsPerSecond: 100_000, burst: 100_000);
        using var keyOwner = await app.CreateMerchantAsync(requestsPerSecond: 100_000, burst: 100_000);
        using var keyMerchant = await app.CreateMerchantAsync();
        using var settingsMerchant = await app.CreateMerchantAsync();
        var revokedKey = await RevokedKeyAsync(admin, merchant.Id);
        var expiredKey = await ExpiredKeyAsync(app);
        var ownKeys = await AddKeysAsync(admin, keyOwner.Id, KeyPool);
        var keyMerchantKeys = await AddKeysAsync(admin, keyMerchant.Id, KeyPool);
        var settingsBefore = await SettingsAsync(paymentsDb, settingsMerchant.Id);

        // Objects for the routes that act on one: payments to capture or cancel, captured ones to refund, refunds to read.
        var capturable = new string[ManualPool];
        var captured = new string[CapturedPool];
        for (var i = 0; i < ManualPool; i++)
        {
            capturable[i] = await PoolPaymentAsync(merchant, 100_000, "manual");
        }
        var cancelable = new string[CancelPool];
        for (var i = 0; i < CancelPool; i++)
        {
            cancelable[i] = await PoolPaymentAsync(merchant, 100_000, "manual");
        }
        for (var i = 0; i < CapturedPool; i++)
        {
            captured[i] = await PoolPaymentAsync(merchant, 1_000_000, "automatic");
        }
        var refunds = new List<string>();
        foreach (var payment in captured.Take(5))
        {
            var refund = await (await merchant.Client.PostAsync("/v1/refunds", new { payment, amount = 100 })).ExpectAsync(HttpStatusCode.Created);
            refunds.Add(refund.GetProperty("id").GetString()!);
        }
        var events = await EventIdsAsync(merchant);
        // Endpoints point at a local port nothing listens on; their merchant makes no payments, so notify has nothing to deliver to them anyway.
        var webhookUrl = $"http://127.0.0.1:{ClosedPort()}/fuzz";
        var keptEndpoints = await CreateEndpointsAsync(webhookMerchant, webhookUrl, KeptEndpointPool);
        var deletableEndpoints = await CreateEndpointsAsync(webhookMerchant, webhookUrl, DeletableEndpointPool);
        var setUpAt = (DateTime)(await Probes.QueryAsync(paymentsDb, "SELECT now()::timestamp"))[0][0]!;
        var paymentsBefore = await CountAsync(paymentsDb, "SELECT count(*) FROM payments WHERE merchant_id = $1", merchant.Id);

        var targets = new FuzzTargets(merchant.SecretKey, rollMerchant.SecretKey, await app.AdminKeyAsync(), revokedKey, expiredKey, capturable, captured, refunds)
        {
            CancelablePayments = cancelable,
            WebhookMerchantKey = webhookMerchant.SecretKey,
            KeyOwnerKey = keyOwner.SecretKey,
            OwnKeys = ownKeys,
            Merchants = [merchant.Id, rollMerchant.Id, webhookMerchant.Id, keyOwner.Id, keyMerchant.Id, settingsMerchant.Id],
            SettingsMerchant = settingsMerchant.Id,
            KeyMerchant = keyMerchant.Id,
            KeyMerchantKeys = keyMerchantKeys,
            Events = events,
            WebhookEndpoints = keptEndpoints,
            DeletableEndpoints = deletableEndpoints,
            WebhookUrl = webhookUrl,
        };
        var generator = new FuzzGenerator(seed, targets);
        using var runner = new FuzzRunner(app.CreateHttpClient("gateway").BaseAddress!,
            [new("the fuzz merchant's key", targets.MerchantKey), new("the roll merchant's key", targets.RollMerchantKey), new("the admin key", targets.AdminKey),
                new("the webhook merchant's key", targets.WebhookMerchantKey), new("the key owner's key", targets.KeyOwnerKey)],
            TimeSpan.FromSeconds(30), KeptBodies);
        var lines = new List<string>();
        try
        {
            // Nothing else writes while the routes that must write nothing run: every table of both databases is counted around each.
            var tables = await QuietTableCountsAsync(paymentsDb, notifyDb);
            var total = Stopwatch.StartNew();
            for (var e = 0; e < generator.Endpoints.Length; e++)
            {
                var endpoint = generator.Endpoints[e];
                var stopwatch = Stopwatch.StartNew();
                await runner.RunAsync(generator, e, perEndpoint, concurrency);
                output.WriteLine($"{endpoint.Name}: {perEndpoint} cases in {stopwatch.Elapsed.TotalSeconds:0.0} s ({perEndpoint / stopwatch.Elapsed.TotalSeconds:0} cases/s)");
                if (tables is not null && FuzzGenerator.WritesNothing(endpoint))
                {
                    var after = await TableCountsAsync(paymentsDb, notifyDb);
                    var changed = after.Where(t => tables.GetValueOrDefault(t.Key) != t.Value).Select(t => $"{t.Key} {tables.GetValueOrDefault(t.Key)} -> {t.Value}").ToList();
                    lines.Add(changed.Count == 0
                        ? $"ok: {endpoint.Name} wrote nothing ({after.Count} tables of paymentsdb and notifydb counted, {after.Values.Sum()} rows)"
                        : $"WRITE MISMATCH: {endpoint.Name} must write nothing, yet: {string.Join(", ", changed)}");
                    tables = after;
                }
                else
                {
                    tables = null;
                }
            }
            total.Stop();
            var cases = perEndpoint * generator.Endpoints.Length;
            output.WriteLine($"All: {cases} cases on {generator.Endpoints.Length} routes in {total.Elapsed.TotalSeconds:0.0} s, {cases / total.Elapsed.TotalSeconds:0} cases/s");
            Report(generator, runner);

            lines.AddRange(await WriteChecksAsync(paymentsDb, runner, merchant.Id, rollMerchant.Id, [.. capturable, .. cancelable], setUpAt, paymentsBefore, refunds.Count));
            lines.AddRange(await AdminWriteChecksAsync(paymentsDb, runner, keyOwner.Id, ownKeys, keyMerchant.Id, keyMerchantKeys, settingsMerchant.Id, settingsBefore));
            lines.AddRange(await WebhookWriteChecksAsync(notifyDb, runner, webhookMerchant.Id, merchant.Id, keptEndpoints.Length + deletableEndpoints.Length, deletableEndpoints));
        }
        finally
        {
            // Deleted, so notify keeps nothing of the run's endpoints enabled.
            lines.Add(await DeleteEndpointsAsync(webhookMerchant, notifyDb));
        }

        using (var anonymous = app.CreateHttpClient("gateway"))
        {
            var document = await FuzzContract.DocumentAsync(anonymous);
            var (validated, contractFailures, _) = await FuzzContract.ValidateAsync(document, runner.Samples);
            output.WriteLine($"contract: {validated} answers (the first {FuzzRunner.SamplesPerKind} of each route, category and status) validated against /openapi/v1.json, {contractFailures.Count} kinds failing");
            lines.AddRange(contractFailures.Select(f => $"CONTRACT MISMATCH: {f}"));
        }
        var writes = lines;
        foreach (var line in writes)
        {
            output.WriteLine(line);
        }
        foreach (var (kind, count) in runner.ServerRejections.OrderBy(r => r.Key))
        {
            output.WriteLine($"server-level rejection (not problem+json, not failed): {count} x {kind}");
        }
        foreach (var failure in runner.FailureSamples)
        {
            output.WriteLine(failure);
            output.WriteLine("");
        }
        var mismatches = writes.Where(w => w.StartsWith("WRITE", StringComparison.Ordinal) || w.StartsWith("CONTRACT", StringComparison.Ordinal) || w.StartsWith("CLEANUP", StringComparison.Ordinal)).ToList();
        var problems = runner.FailureKinds.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Value} x {k.Key}").Concat(mismatches).ToList();
        Assert.True(problems.Count == 0,
            $"FUZZ_SEED={seed}: {runner.Failures} failing answers and {mismatches.Count} write, contract or clean-up mismatches " +
            $"(the test output has each kind's first requests):\n{string.Join('\n', problems)}");
    }

    private void Report(FuzzGenerator generator, FuzzRunner runner)
    {
        var categories = FuzzGenerator.AllCategories;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"cases (2xx/4xx/other) by category",-34}| {string.Join(" | ", categories)}");
        foreach (var endpoint in generator.Endpoints)
        {
            text.Append(CultureInfo.InvariantCulture, $"{endpoint.Name,-34}");
            foreach (var category in categories)
            {
                text.Append(runner.Counts.TryGetValue((endpoint.Name, category), out var c) ? $"| {c[0]} ({c[1]}/{c[2]}/{c[3]}) " : "| - ");
            }
            text.AppendLine();
        }
        var byCategory = categories.Select(c => $"{c} {runner.Counts.Where(k => k.Key.Category == c).Sum(k => k.Value[0])}");
        text.AppendLine(CultureInfo.InvariantCulture, $"per category, all endpoints: {string.Join(", ", byCategory)}");
        foreach (var endpoint in generator.Endpoints)
        {
            var statuses = runner.Statuses.Where(s => s.Key.Endpoint == endpoint.Name).OrderBy(s => s.Key.Status).Select(s => $"{s.Key.Status}: {s.Value}");
            text.AppendLine(CultureInfo.InvariantCulture, $"{endpoint.Name} answers: {string.Join(", ", statuses)}");
        }
        output.WriteLine(text.ToString());
    }

    /// <summary>No partial writes: each table holds exactly what the answers said was created, and no request is left half done.</summary>
    private static async Task<List<string>> WriteChecksAsync(
        string paymentsDb, FuzzRunner runner, string merchantId, string rollMerchantId, string[] manual, DateTime setUpAt, long paymentsBefore, int refundsBefore)
    {
        var lines = new List<string>();
        Task<long> Count(string sql, params object[] parameters) => CountAsync(paymentsDb, sql, parameters);
        void Compare(string what, long actual, long expected) =>
            lines.Add($"{(actual == expected ? "ok" : "WRITE MISMATCH")}: {what}: {actual} rows, {expected} from the answers");

        Compare("payments of the fuzz merchant (pool + 201/202/402 answers)",
            await Count("SELECT count(*) FROM payments WHERE merchant_id = $1", merchantId),
            paymentsBefore + runner.CountStatus("POST /v1/payments", 201, 202, 402));
        Compare("refunds of the fuzz merchant (set-up + 201/202 answers)",
            await Count("SELECT count(*) FROM refunds WHERE merchant_id = $1", merchantId),
            refundsBefore + runner.CountStatus("POST /v1/refunds", 201, 202));
        Compare("captured manual pool payments (200 answers to capture)",
            await Count("SELECT count(*) FROM payments WHERE id = ANY($1) AND status = 'succeeded'", new object[] { manual }),
            runner.CountStatus("POST /v1/payments/{id}/capture", 200));
        Compare("canceled manual pool payments (200 answers to cancel)",
            await Count("SELECT count(*) FROM payments WHERE id = ANY($1) AND status = 'canceled'", new object[] { manual }),
            runner.CountStatus("POST /v1/payments/{id}/cancel", 200));
        Compare("merchants created during the run (201 answers)",
            await Count("SELECT count(*) FROM merchants WHERE created_at > $1", setUpAt),
            runner.CountStatus("POST /v1/merchants", 201));
        Compare("API keys of the roll merchant (1 + 201 answers to roll)",
            await Count("SELECT count(*) FROM api_keys WHERE merchant_id = $1", rollMerchantId),
            1 + runner.CountStatus("POST /v1/api_keys/roll", 201));
        Compare("unfinished idempotency records of the fuzz merchant",
            await Count("SELECT count(*) FROM idempotency_keys WHERE merchant_id = $1 AND response_status IS NULL", merchantId), 0);
        return lines;
    }

    /// <summary>The admin's and the key owner's writes: keys added and revoked, and the settings merchant's fee rule and rate limit.</summary>
    private static async Task<List<string>> AdminWriteChecksAsync(
        string paymentsDb, FuzzRunner runner, string keyOwnerId, string[] ownKeys, string keyMerchantId, string[] keyMerchantKeys,
        string settingsMerchantId, string settingsBefore)
    {
        var lines = new List<string>();
        void Compare(string what, object actual, object expected) =>
            lines.Add($"{(Equals(actual, expected) ? "ok" : "WRITE MISMATCH")}: {what}: {Shown(actual)} in the database, {Shown(expected)} from the answers{Difference(actual, expected)}");

        Compare("API keys of the key merchant (1 + pool + 201 answers to the admin's POST /v1/merchants/{id}/api_keys)",
            await CountAsync(paymentsDb, "SELECT count(*) FROM api_keys WHERE merchant_id = $1", keyMerchantId),
            1L + keyMerchantKeys.Length + runner.CountStatus("POST /v1/merchants/{id}/api_keys", 201));
        Compare("revoked keys of the key merchant (the ids the admin's 200 revoke answers named)",
            await RevokedAsync(paymentsDb, keyMerchantId), Ids(runner.SuccessBodies("POST /v1/merchants/{id}/api_keys/{keyId}/revoke")));
        Compare("API keys of the key owner (1 + pool: revoking adds none)",
            await CountAsync(paymentsDb, "SELECT count(*) FROM api_keys WHERE merchant_id = $1", keyOwnerId), 1L + ownKeys.Length);
        Compare("revoked keys of the key owner (the ids its 200 revoke answers named)",
            await RevokedAsync(paymentsDb, keyOwnerId), Ids(runner.SuccessBodies("POST /v1/api_keys/{keyId}/revoke")));
        var settings = await SettingsAsync(paymentsDb, settingsMerchantId);
        var answered = runner.SuccessBodies("POST /v1/merchants/{id}").Select(body =>
        {
            var root = JsonDocument.Parse(body).RootElement;
            return Settings(root.GetProperty("fee_rule").GetProperty("basis_points").GetInt64(), root.GetProperty("fee_rule").GetProperty("fixed").GetInt64(),
                root.GetProperty("rate_limit").GetProperty("requests_per_second").GetInt64(), root.GetProperty("rate_limit").GetProperty("burst").GetInt64());
        }).ToHashSet();
        var known = settings == settingsBefore || answered.Contains(settings);
        lines.Add($"{(known ? "ok" : "WRITE MISMATCH")}: the settings merchant's fee rule and rate limit ({settings}) are {(known ? "its first ones or those of a 200 answer" : "neither its first ones nor those of any 200 answer")} ({answered.Count} distinct 200 answers)");
        return lines;
    }

    /// <summary>Webhook endpoints (notify's database): created and deleted exactly as answered; nothing delivered to any of them.</summary>
    private static async Task<List<string>> WebhookWriteChecksAsync(
        string notifyDb, FuzzRunner runner, string webhookMerchantId, string fuzzMerchantId, int pool, string[] deletable)
    {
        var lines = new List<string>();
        void Compare(string what, object actual, object expected) =>
            lines.Add($"{(Equals(actual, expected) ? "ok" : "WRITE MISMATCH")}: {what}: {Shown(actual)} in notifydb, {Shown(expected)} from the answers{Difference(actual, expected)}");

        var created = Ids(runner.SuccessBodies("POST /v1/webhook_endpoints"));
        Compare("webhook endpoints of the webhook merchant (pool + 201 answers)",
            await CountAsync(notifyDb, "SELECT count(*) FROM endpoints WHERE merchant_id = $1", webhookMerchantId), (long)pool + runner.CountStatus("POST /v1/webhook_endpoints", 201));
        Compare("distinct ids of the 201 answers among them",
            await CountAsync(notifyDb, "SELECT count(*) FROM endpoints WHERE merchant_id = $1 AND id = ANY($2)", webhookMerchantId, created.Split(',', StringSplitOptions.RemoveEmptyEntries)),
            (long)created.Split(',', StringSplitOptions.RemoveEmptyEntries).Length);
        var deleted = (await Probes.QueryAsync(notifyDb, "SELECT id FROM endpoints WHERE merchant_id = $1 AND deleted_at IS NOT NULL ORDER BY id", webhookMerchantId))
            .Select(row => (string)row[0]!);
        Compare("deleted endpoints (the ids the 200 answers to DELETE named)", string.Join(',', deleted), Ids(runner.SuccessBodies("DELETE /v1/webhook_endpoints/{id}")));
        lines.Add($"info: {deleted.Count()} of the {deletable.Length} deletable endpoints deleted");
        Compare("deliveries to the webhook merchant's endpoints (it has no events)",
            await CountAsync(notifyDb, "SELECT count(*) FROM deliveries WHERE merchant_id = $1", webhookMerchantId), 0L);
        Compare("deliveries of the fuzz merchant's events, retried or not (it has no endpoints)",
            await CountAsync(notifyDb, "SELECT count(*) FROM deliveries WHERE merchant_id = $1", fuzzMerchantId), 0L);
        return lines;
    }

    /// <summary>Deletes every endpoint the run left (through the API, as a merchant would); the line says whether none is left.</summary>
    private static async Task<string> DeleteEndpointsAsync(TestMerchant webhookMerchant, string notifyDb)
    {
        try
        {
            var list = await (await webhookMerchant.Client.GetAsync(new Uri("/v1/webhook_endpoints", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
            var ids = list.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetString()!).ToList();
            await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, _) =>
                await (await webhookMerchant.Client.DeleteAsync(new Uri($"/v1/webhook_endpoints/{id}", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK));
            var left = await CountAsync(notifyDb, "SELECT count(*) FROM endpoints WHERE merchant_id = $1 AND deleted_at IS NULL", webhookMerchant.Id);
            return left == 0 ? $"ok: the {ids.Count} endpoints the run left were deleted" : $"CLEANUP FAILED: {left} endpoints of the webhook merchant are not deleted";
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return $"CLEANUP FAILED: deleting the run's webhook endpoints: {ex.Message}";
        }
    }

    /// <summary>
    /// Every table of both databases with its row count, once no count has changed for a second: longer than the
    /// relay's idle wait (250 ms), so the set-up's last events have reached notify.
    /// </summary>
    private static async Task<Dictionary<string, long>> QuietTableCountsAsync(string paymentsDb, string notifyDb)
    {
        var counts = await TableCountsAsync(paymentsDb, notifyDb);
        var unchangedSince = Stopwatch.StartNew();
        await Probes.EventuallyAsync(async () =>
        {
            var current = await TableCountsAsync(paymentsDb, notifyDb);
            if (current.Count != counts.Count || current.Any(t => counts.GetValueOrDefault(t.Key, -1) != t.Value))
            {
                counts = current;
                unchangedSince.Restart();
            }
            return unchangedSince.Elapsed >= TimeSpan.FromSeconds(1);
        }, TimeSpan.FromSeconds(60), "the row counts of paymentsdb and notifydb to stay unchanged for a second after the set-up");
        return counts;
    }

    private static async Task<Dictionary<string, long>> TableCountsAsync(string paymentsDb, string notifyDb)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, connection) in new[] { ("paymentsdb", paymentsDb), ("notifydb", notifyDb) })
        {
            var tables = (await Probes.QueryAsync(connection,
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name")).Select(row => (string)row[0]!);
            var sql = string.Join(" UNION ALL ", tables.Select(t => $"SELECT '{t}', count(*) FROM \"{t}\""));
            foreach (var row in await Probes.QueryAsync(connection, sql))
            {
                counts[$"{name}.{row[0]}"] = Convert.ToInt64(row[1], CultureInfo.InvariantCulture);
            }
        }
        return counts;
    }

    /// <summary>A count as is; a set of ids (joined with commas) as its size, the ids themselves only when short.</summary>
    private static string Shown(object value) => value is string ids
        ? ids.Length == 0 ? "no ids" : ids.Length <= 200 ? $"{ids.Count(c => c == ',') + 1} ids ({ids})" : $"{ids.Count(c => c == ',') + 1} ids ({ids[..200]}...)"
        : Convert.ToString(value, CultureInfo.InvariantCulture)!;

    /// <summary>For two different sets of ids: which are only in the database, which only in the answers.</summary>
    private static string Difference(object actual, object expected)
    {
        if (actual is not string a || expected is not string e || a == e)
        {
            return "";
        }
        var inDatabase = a.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var answered = e.Split(',', StringSplitOptions.RemoveEmptyEntries);
        return $"; only in the database: {string.Join(',', inDatabase.Except(answered))}; only in the answers: {string.Join(',', answered.Except(inDatabase))}";
    }

    private static async Task<string> RevokedAsync(string paymentsDb, string merchantId) =>
        string.Join(',', (await Probes.QueryAsync(paymentsDb, "SELECT id FROM api_keys WHERE merchant_id = $1 AND expires_at <= now() ORDER BY id", merchantId)).Select(row => (string)row[0]!));

    /// <summary>The distinct ids of answers' bodies, sorted and joined, to compare with the database's.</summary>
    private static string Ids(IEnumerable<string> bodies) =>
        string.Join(',', bodies.Select(b => JsonDocument.Parse(b).RootElement.GetProperty("id").GetString()!).Distinct().Order(StringComparer.Ordinal));

    private static async Task<string> SettingsAsync(string paymentsDb, string merchantId)
    {
        var row = (await Probes.QueryAsync(paymentsDb, "SELECT fee_basis_points, fee_fixed, rate_limit_per_second, rate_limit_burst FROM merchants WHERE id = $1", merchantId))[0];
        return Settings(Convert.ToInt64(row[0], CultureInfo.InvariantCulture), Convert.ToInt64(row[1], CultureInfo.InvariantCulture),
            Convert.ToInt64(row[2], CultureInfo.InvariantCulture), Convert.ToInt64(row[3], CultureInfo.InvariantCulture));
    }

    private static string Settings(long basisPoints, long fixedPart, long perSecond, long burst) =>
        $"fee {basisPoints} bp + {fixedPart}, {perSecond}/s burst {burst}";

    private static async Task<string[]> AddKeysAsync(HttpClient admin, string merchantId, int count)
    {
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            var key = await (await admin.PostAsync($"/v1/merchants/{merchantId}/api_keys", null)).ExpectAsync(HttpStatusCode.Created);
            ids[i] = key.GetProperty("id").GetString()!;
        }
        return ids;
    }

    /// <summary>The fuzz merchant's events (its pool payments made them, in the same transactions).</summary>
    private static async Task<string[]> EventIdsAsync(TestMerchant merchant)
    {
        var list = await (await merchant.Client.GetAsync(new Uri("/v1/events?limit=100", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        var ids = list.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetString()!).ToArray();
        Assert.True(ids.Length > 0, "The pool's payments made no events.");
        return ids;
    }

    private static async Task<string[]> CreateEndpointsAsync(TestMerchant merchant, string url, int count)
    {
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            var endpoint = await (await merchant.Client.PostAsync("/v1/webhook_endpoints", new { url = $"{url}/pool-{i}", enabled_events = new[] { "*" } })).ExpectAsync(HttpStatusCode.Created);
            ids[i] = endpoint.GetProperty("id").GetString()!;
        }
        return ids;
    }

    /// <summary>A local port nothing listens on: bound by the system, then released, so a connection to it is refused at once.</summary>
    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static async Task<long> CountAsync(string paymentsDb, string sql, params object[] parameters) =>
        Convert.ToInt64((await Probes.QueryAsync(paymentsDb, sql, parameters))[0][0], CultureInfo.InvariantCulture);

    /// <summary>A payment for the pool; the platform may still be warming up, so a 503 is retried with the same key, as a client would.</summary>
    private static async Task<string> PoolPaymentAsync(TestMerchant merchant, long amount, string captureMethod)
    {
        var key = InternalServices.NewId("pool");
        var card = Probes.NewCardNumber();
        for (var attempt = 1; ; attempt++)
        {
            using var response = await merchant.Client.PostAsync("/v1/payments", GatewayRequests.Payment(amount, captureMethod, card), key);
            if (response.StatusCode == HttpStatusCode.Created || attempt == 10)
            {
                return (await response.ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetString()!;
            }
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    private static async Task<string> RevokedKeyAsync(HttpClient admin, string merchantId)
    {
        var key = await (await admin.PostAsync($"/v1/merchants/{merchantId}/api_keys", null)).ExpectAsync(HttpStatusCode.Created);
        await (await admin.PostAsync($"/v1/merchants/{merchantId}/api_keys/{key.GetProperty("id").GetString()}/revoke", null)).ExpectAsync(HttpStatusCode.OK);
        return key.GetProperty("secret").GetString()!;
    }

    /// <summary>A key made to expire at once: a throwaway merchant rolls its key with no overlap.</summary>
    private static async Task<string> ExpiredKeyAsync(DistributedApplication app)
    {
        using var throwaway = await app.CreateMerchantAsync();
        await (await throwaway.Client.PostAsync("/v1/api_keys/roll", new { expires_in_seconds = 0 })).ExpectAsync(HttpStatusCode.Created);
        await Probes.EventuallyAsync(async () =>
        {
            using var response = await throwaway.Client.GetAsync(new Uri("/v1/balance", UriKind.Relative));
            return response.StatusCode == HttpStatusCode.Unauthorized;
        }, TimeSpan.FromSeconds(10), "the rolled key to expire");
        return throwaway.SecretKey;
    }

    private static int? EnvironmentInt(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
