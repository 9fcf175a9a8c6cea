using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.Testing;
using PaymentPlatform.Platform.Tests.Gateway;
using Xunit.Abstractions;

namespace PaymentPlatform.Platform.Tests.Fuzz;

/// <summary>
/// Issue 16, part 3: every route of the public API fed generated input. <c>FUZZ_SEED</c> replays a run,
/// <c>FUZZ_CASES_PER_ENDPOINT</c> (default 10,000) and <c>FUZZ_CONCURRENCY</c> (default 24) size it.
/// </summary>
[Collection(FuzzCollection.Name)]
public sealed class PublicApiFuzzTests(FuzzFixture fixture, ITestOutputHelper output)
{
    private const int ManualPool = 30;
    private const int CapturedPool = 20;

    [Fact]
    public async Task FuzzedRequestsToEveryPublicRouteAreRefusedCleanlyAndWriteNothing()
    {
        var seed = EnvironmentInt("FUZZ_SEED") ?? RandomNumberGenerator.GetInt32(int.MaxValue);
        var perEndpoint = EnvironmentInt("FUZZ_CASES_PER_ENDPOINT") ?? 10_000;
        var concurrency = EnvironmentInt("FUZZ_CONCURRENCY") ?? 24;
        output.WriteLine($"FUZZ_SEED={seed} (set it to replay this run), {perEndpoint} cases per endpoint, {concurrency} in flight");

        var app = fixture.App;
        var paymentsDb = await app.GetConnectionStringAsync("paymentsdb") ?? throw new InvalidOperationException("paymentsdb has no connection string.");
        using var admin = await app.CreateAdminClientAsync();
        using var merchant = await app.CreateMerchantAsync(requestsPerSecond: 100_000, burst: 100_000);
        using var rollMerchant = await app.CreateMerchantAsync(requestsPerSecond: 100_000, burst: 100_000);
        var revokedKey = await RevokedKeyAsync(admin, merchant.Id);
        var expiredKey = await ExpiredKeyAsync(app);

        // Objects for the routes that act on one: payments to capture or cancel, captured ones to refund, refunds to read.
        var capturable = new string[ManualPool];
        var captured = new string[CapturedPool];
        for (var i = 0; i < ManualPool; i++)
        {
            capturable[i] = await PoolPaymentAsync(merchant, 100_000, "manual");
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
        var setUpAt = (DateTime)(await Probes.QueryAsync(paymentsDb, "SELECT now()::timestamp"))[0][0]!;
        var paymentsBefore = await CountAsync(paymentsDb, "SELECT count(*) FROM payments WHERE merchant_id = $1", merchant.Id);

        var targets = new FuzzTargets(merchant.SecretKey, rollMerchant.SecretKey, await app.AdminKeyAsync(), revokedKey, expiredKey, capturable, captured, refunds);
        var generator = new FuzzGenerator(seed, targets);
        using var runner = new FuzzRunner(app.CreateHttpClient("gateway").BaseAddress!, 
            [new("the fuzz merchant's key", targets.MerchantKey), new("the roll merchant's key", targets.RollMerchantKey), new("the admin key", targets.AdminKey)], TimeSpan.FromSeconds(30));
        var total = Stopwatch.StartNew();
        for (var e = 0; e < generator.Endpoints.Length; e++)
        {
            var stopwatch = Stopwatch.StartNew();
            await runner.RunAsync(generator, e, perEndpoint, concurrency);
            output.WriteLine($"{generator.Endpoints[e].Name}: {perEndpoint} cases in {stopwatch.Elapsed.TotalSeconds:0.0} s ({perEndpoint / stopwatch.Elapsed.TotalSeconds:0} cases/s)");
        }
        total.Stop();
        var cases = perEndpoint * generator.Endpoints.Length;
        output.WriteLine($"All: {cases} cases in {total.Elapsed.TotalSeconds:0.0} s, {cases / total.Elapsed.TotalSeconds:0} cases/s");
        Report(generator, runner);

        var writes = await WriteChecksAsync(paymentsDb, runner, merchant.Id, rollMerchant.Id, capturable, setUpAt, paymentsBefore, refunds.Count);
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
        var problems = runner.FailureKinds.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Value} x {k.Key}").Concat(writes.Where(w => w.StartsWith("WRITE", StringComparison.Ordinal))).ToList();
        Assert.True(problems.Count == 0,
            $"FUZZ_SEED={seed}: {runner.Failures} failing answers and {writes.Count(w => w.StartsWith("WRITE", StringComparison.Ordinal))} write mismatches " +
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
        string paymentsDb, FuzzRunner runner, string merchantId, string rollMerchantId, string[] capturable, DateTime setUpAt, long paymentsBefore, int refundsBefore)
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
        Compare("captured pool payments (200 answers to capture)",
            await Count("SELECT count(*) FROM payments WHERE id = ANY($1) AND status = 'succeeded'", new object[] { capturable }),
            runner.CountStatus("POST /v1/payments/{id}/capture", 200));
        Compare("canceled pool payments (200 answers to cancel)",
            await Count("SELECT count(*) FROM payments WHERE id = ANY($1) AND status = 'canceled'", new object[] { capturable }),
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
