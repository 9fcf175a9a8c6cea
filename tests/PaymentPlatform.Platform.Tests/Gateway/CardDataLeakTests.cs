using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Hosting.Orchestration;
using PaymentPlatform.Hosting.Testing;
using PaymentPlatform.Otlp.Metrics.V1;
using PaymentPlatform.Redis;
using Xunit.Abstractions;

namespace PaymentPlatform.Platform.Tests.Gateway;

/// <summary>
/// A platform of its own for the leak scan, so its databases and Redis hold only this run's data: telemetry goes
/// to a collector that keeps logs and metrics too, every resource's console output is watched from before the
/// start, the services log at every level, and notify may deliver to a receiver on loopback.
/// </summary>
public sealed class CardDataLeakFixture : IAsyncLifetime
{
    private readonly CancellationTokenSource _stopWatching = new();
    private IDistributedApplicationTestingBuilder? _builder;
    private Task? _watching;

    public DistributedApplication App { get; private set; } = null!;

    public TraceCollector Telemetry { get; private set; } = null!;

    /// <summary>Every console line of every replica of every resource since before the start.</summary>
    public ConcurrentQueue<ResourceLogLine> ConsoleLines { get; } = new();

    public async Task InitializeAsync()
    {
        Telemetry = await TraceCollector.StartAsync(keepLogsAndMetrics: true);
        _builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.PaymentPlatform_AppHost>();
        _builder.Configuration[KnownConfigNames.OtlpEndpoint] = Telemetry.Endpoint;
        _builder.CreateResourceBuilder<ProjectResource>("notify")
            .WithEnvironment("Notify__Delivery__AllowedNetworks", "127.0.0.0/8,::1/128");
        // Every level logged: a PAN in a Trace line is a leak as soon as someone turns verbosity up to debug.
        foreach (var name in new[] { "gateway", "risk", "ledger", "notify", "directory" })
        {
            _builder.CreateResourceBuilder<ProjectResource>(name)
                .WithEnvironment("Logging__LogLevel__Default", "Trace")
                .WithEnvironment("Logging__LogLevel__Microsoft.AspNetCore", "Trace");
        }
        App = await _builder.BuildAsync();

        // The host keeps only the last 5,000 lines per resource; a watcher sees every line. Its channel is
        // registered by the first MoveNextAsync, before the app starts writing.
        var lines = App.ResourceLogs.WatchAsync(_stopWatching.Token).GetAsyncEnumerator(_stopWatching.Token);
        var first = lines.MoveNextAsync();
        _watching = Task.Run(async () =>
        {
            try
            {
                for (var more = await first; more; more = await lines.MoveNextAsync())
                {
                    ConsoleLines.Enqueue(lines.Current);
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                await lines.DisposeAsync();
            }
        });
        await App.StartAndWaitForHealthyAsync(PlatformFixture.StartTimeout);
    }

    public async Task DisposeAsync()
    {
        await _stopWatching.CancelAsync();
        if (_watching is not null)
        {
            await _watching;
        }
        if (_builder is not null)
        {
            await _builder.DisposeAsync();
        }
        if (Telemetry is not null)
        {
            await Telemetry.DisposeAsync();
        }
        _stopWatching.Dispose();
    }
}

/// <summary>
/// PCI DSS: the PAN is stored only in the vault, encrypted. After payments on random valid card numbers through
/// every path (automatic and manual capture, cancel, refunds, declines, review, processing, an idempotent retry,
/// invalid requests), the scan looks for any of those numbers, and for a CVC in JSON, in every console line, every
/// span, log record and metric exported over OTLP, the events table, the webhooks delivered, every API answer,
/// a pg_dump of every database and every Redis key and value. The same scan looks for every secret too (issue 16):
/// the AppHost's secret parameters (internal token, admin key, vault and HMAC keys, notify's secrets key, the
/// PostgreSQL and Redis passwords), the merchant's API keys and the endpoint's webhook secrets.
/// </summary>
public class CardDataLeakTests(CardDataLeakFixture fixture, ITestOutputHelper output) : IClassFixture<CardDataLeakFixture>
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Contracts.md's test cards (fixed numbers, so matched whole, never by their runs of zeros).</summary>
    private static readonly string[] TestCards = ["4000000000000002", "4000000000009995", "4000000000004954", "4000000000009235", "4000000000000119"];

    private static readonly string[] Databases = ["paymentsdb", "ledgerdb", "notifydb", "riskdb"];

    private readonly List<string> _answers = [];

    [Fact]
    public async Task NoCardNumberCvcOrSecretAppearsInLogsTelemetryEventsWebhooksDatabasesOrRedis()
    {
        var app = fixture.App;
        await using var receiver = await WebhookReceiver.StartAsync();
        using var merchant = await app.CreateMerchantAsync();
        var secrets = await PlatformSecretsAsync(app);
        secrets.Add(("secret:api key", merchant.SecretKey));
        using (var notify = await app.CreateInternalClientAsync("notify"))
        {
            using var created = await notify.PostJsonAsync($"/v1/merchants/{merchant.Id}/endpoints",
                new { url = receiver.Url, enabled_events = new[] { "*" }, description = "leak scan" });
            var endpoint = await created.ExpectAsync(HttpStatusCode.Created);
            secrets.Add(("secret:webhook secret", endpoint.GetProperty("secret").GetString()!));
            using var rolled = await notify.PostJsonAsync($"/v1/merchants/{merchant.Id}/endpoints/{endpoint.GetProperty("id").GetString()}/roll_secret", new { expires_in = 3600 });
            secrets.Add(("secret:rolled webhook secret", (await rolled.ExpectAsync(HttpStatusCode.OK)).GetProperty("secret").GetString()!));
        }
        using (var rolledKey = await merchant.Client.PostAsync("/v1/api_keys/roll", new { expires_in_seconds = 3600 }))
        {
            secrets.Add(("secret:rolled api key", (await rolledKey.ExpectAsync(HttpStatusCode.Created)).GetProperty("new_key").GetProperty("secret").GetString()!));
        }

        // The payments: every number sent is one the scan looks for.
        var pans = new List<string>();
        var paymentIds = new List<string>();
        var authorizedIds = new List<string>();
        await RunPaymentsAsync(merchant.Client, pans, paymentIds, authorizedIds);
        var scanner = new CardDataScanner(
            pans.Select((pan, i) => ($"pan#{i}", pan)).ToList(),
            TestCards.Select(card => ($"test-card {card[..6]}..{card[^4..]}", card)).ToList());
        foreach (var (label, value) in secrets)
        {
            scanner.LookForSecret(label, value);
        }
        ScannerFindsWhatItLooksFor();

        // Every event of the merchant delivered, then telemetry flushed (each service instance exports again).
        var paymentsDb = (await app.GetConnectionStringAsync("paymentsdb"))!;
        var expected = (await Probes.QueryAsync(paymentsDb, "SELECT id FROM events WHERE merchant_id = $1", merchant.Id)).Select(r => (string)r[0]!).ToHashSet();
        Assert.True(expected.Count >= 20, $"only {expected.Count} events were written");
        await Probes.EventuallyAsync(() => Task.FromResult(expected.IsSubsetOf(receiver.Ids)), DeliveryTimeout,
            $"all {expected.Count} events to be delivered (missing: {string.Join(", ", expected.Except(receiver.Ids).Take(5))})");

        // Self-checks through the real stores: a canary PAN (never sent as a payment) written by PostgreSQL to its
        // console log, and one planted in a test-only Redis key; the scan must find both, exactly there.
        var logCanary = Probes.NewCardNumber();
        var redisCanary = Probes.NewCardNumber();
        var secretCanary = $"whsec_{Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))}";
        scanner.LookFor("canary:log", logCanary);
        scanner.LookFor("canary:redis", redisCanary);
        scanner.LookForSecret("canary:secret", secretCanary);
        await PlantLogCanaryAsync(paymentsDb, logCanary);
        var cacheConnection = (await app.GetConnectionStringAsync("cache"))!;
        await using var redis = await RedisClient.ConnectAsync(cacheConnection);
        var canaryKey = $"leak-scan-selfcheck:{Guid.NewGuid():N}";
        await redis.ExecuteAsync("SET", canaryKey, $"{{\"number\":\"{redisCanary}\",\"cvc\":\"123\",\"secret\":\"{secretCanary}\"}}", "EX", 600);
        await WaitForTelemetryFlushAsync();

        try
        {
            ScanConsoleLogs(scanner);
            ScanTelemetry(scanner);
            await ScanEventsAsync(scanner, paymentsDb, merchant);
            foreach (var webhook in receiver.All)
            {
                scanner.Scan("webhooks", webhook.Id, webhook.Headers + "\n" + webhook.Body);
            }
            foreach (var answer in _answers)
            {
                scanner.Scan("api answers", "gateway", answer);
            }
            await ScanDatabasesAsync(scanner, paymentIds, authorizedIds, expected);
            await ScanRedisAsync(scanner, redis);

            // On disk too: what expired or was deleted before the scan is still in Redis's append-only file and
            // PostgreSQL's WAL. The canary key must turn up in the AOF; the WAL must hold the run's payment ids.
            var redisDirectory = (string)(await redis.ExecuteAsync("CONFIG", "GET", "dir"))[1]!;
            await using var postgres = new NpgsqlConnection(await app.GetConnectionStringAsync("postgres"));
            await postgres.OpenAsync();
            await using var show = new NpgsqlCommand("SHOW data_directory", postgres);
            var postgresDirectory = (string)(await show.ExecuteScalarAsync())!;
            ScanFiles(scanner, "redis files", redisDirectory, canaryKey);
            ScanFiles(scanner, "postgres files", postgresDirectory, authorizedIds[^1]);
        }
        finally
        {
            await redis.ExecuteAsync("DEL", canaryKey);
        }

        output.WriteLine($"{pans.Count} card numbers sent ({pans.Distinct().Count()} distinct), {paymentIds.Distinct().Count()} payments; {expected.Count} events, {receiver.All.Count} webhooks received");
        foreach (var (category, count) in scanner.Counts.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"scanned {category}: {count.ToString("N0", CultureInfo.InvariantCulture)}");
        }
        foreach (var finding in scanner.Findings)
        {
            output.WriteLine($"found {finding}");
        }

        // The canaries were found where they were planted (and nowhere else), so the scan can fail.
        bool IsCanary(CardDataScanner.Finding f) => f.Label.StartsWith("canary:", StringComparison.Ordinal)
            || (f.Label == CardDataScanner.CvcLabel && f.Context.Contains(redisCanary, StringComparison.Ordinal));
        Assert.Contains(scanner.Findings, f => f.Label == "canary:log" && f.Category == "console lines" && f.Location.StartsWith("postgres", StringComparison.Ordinal));
        Assert.Contains(scanner.Findings, f => f.Label == "canary:redis" && f.Category == "redis values" && f.Location.Contains(canaryKey, StringComparison.Ordinal));
        Assert.Contains(scanner.Findings, f => f.Label == CardDataScanner.CvcLabel && f.Category == "redis values" && f.Location.Contains(canaryKey, StringComparison.Ordinal));
        Assert.Contains(scanner.Findings, f => f.Label == "canary:redis" && f.Category == "redis files");
        Assert.Contains(scanner.Findings, f => f.Label == "canary:secret" && f.Category == "redis values" && f.Location.Contains(canaryKey, StringComparison.Ordinal));
        Assert.Contains(scanner.Findings, f => f.Label == "canary:secret" && f.Category == "redis files");
        Assert.All(scanner.Findings.Where(IsCanary), f => Assert.Contains(f.Category, new[] { "console lines", "redis values", "redis files" }));

        // Something real was scanned in every place.
        foreach (var category in new[] { "console lines", "otlp spans", "otlp span attributes", "otlp log records", "otlp log attributes",
            "otlp metric data points", "otlp metric labels", "events table rows", "webhooks", "api answers", "redis keys", "redis values",
            "redis files", "redis files bytes", "postgres files", "postgres files bytes" }
            .Concat(Databases.Select(d => $"pg_dump {d} lines")))
        {
            Assert.True(scanner.Counts.GetValueOrDefault(category) > 0, $"the scan read no {category}");
        }

        Assert.Contains(scanner.Findings, IsRedisOwnConfig);
        var leaks = scanner.Findings.Where(f => !IsCanary(f) && !IsRedisOwnConfig(f)).ToList();
        Assert.True(leaks.Count == 0, $"card data or a secret found outside the vault:{Environment.NewLine}{string.Join(Environment.NewLine, leaks)}");
    }

    /// <summary>
    /// Redis reads its password from redis.conf in its data directory (mode 0600, written by the host): the one place
    /// a secret may be, the server's own configuration.
    /// </summary>
    private static bool IsRedisOwnConfig(CardDataScanner.Finding finding) =>
        finding.Label == "secret:cache-password" && finding.Category == "redis files" && finding.Location == "redis.conf";

    /// <summary>The value of every secret parameter of the AppHost; the ones issue 16 names must be among them.</summary>
    private static async Task<List<(string Label, string Value)>> PlatformSecretsAsync(DistributedApplication app)
    {
        var secrets = new List<(string Label, string Value)>();
        foreach (var parameter in app.Model.Resources.OfType<ParameterResource>().Where(p => p.Secret))
        {
            secrets.Add(($"secret:{parameter.Name}", (await parameter.GetValueAsync())!));
        }
        var names = secrets.Select(s => s.Label["secret:".Length..]).ToList();
        foreach (var expected in new[] { "internal-token", "gateway-admin-key", "gateway-hmac-key", "vault-key", "notify-secrets-key", "postgres-password", "cache-password",
            "paymentsdb-password", "ledgerdb-password", "notifydb-password", "riskdb-password" })
        {
            Assert.Contains(expected, names);
        }
        Assert.All(secrets, s => Assert.True(s.Value.Length >= 16, $"{s.Label} is too short to be searched for without false alarms"));
        return secrets;
    }

    /// <summary>The scanner itself on scratch text: whole, spaced, dashed and truncated numbers, a CVC and a secret.</summary>
    private static void ScannerFindsWhatItLooksFor()
    {
        var pan = Probes.NewCardNumber();
        var scratch = new CardDataScanner([("scratch", pan)], []);
        scratch.LookForSecret("scratch secret", "sk_test_scratchSecret0123456789");
        scratch.Scan("scratch", "whole", $"card={pan};");
        scratch.Scan("scratch", "spaced", $"{pan[..4]} {pan[4..8]} {pan[8..12]} {pan[12..]}");
        scratch.Scan("scratch", "dashed", $"{pan[..4]}-{pan[4..8]}-{pan[8..12]}-{pan[12..]}");
        scratch.Scan("scratch", "middle", $"x{pan[1..14]}x");
        scratch.Scan("scratch", "cvc", "{\"card\":{\"cvc\":\"123\"}}");
        scratch.Scan("scratch", "secret", "Authorization: Bearer sk_test_scratchSecret0123456789");
        scratch.Scan("scratch", "clean", $"last4 {pan[^4..]} bin {pan[..6]} 2026-11-22T05:50:00.1234567Z 1234567890123 {pan[..12]} sk_test_...6789");
        Assert.Equal(new[] { "whole", "spaced", "dashed", "middle", "cvc", "secret" }, scratch.Findings.Select(f => f.Location));
        Assert.DoesNotContain("scratchSecret", scratch.Findings[^1].Context, StringComparison.Ordinal);
    }

    private async Task RunPaymentsAsync(HttpClient gateway, List<string> pans, List<string> paymentIds, List<string> authorizedIds)
    {
        async Task<JsonElement> PayAsync(HttpStatusCode status, string captureMethod = "automatic", long amount = 2000, string? card = null,
            string? idempotencyKey = null, int expYear = 2030)
        {
            card ??= Probes.NewCardNumber();
            if (!TestCards.Contains(card))
            {
                pans.Add(card);
            }
            var body = new
            {
                amount,
                currency = "usd",
                capture_method = captureMethod,
                payment_method = new { type = "card", card = new { number = card, exp_month = 12, exp_year = expYear, cvc = "123" } },
            };
            var payment = await ExpectAsync(await gateway.PostAsync("/v1/payments", body, idempotencyKey), status);
            if (payment.TryGetProperty("id", out var id) && id.GetString() is { } paymentId && paymentId.StartsWith("pay_", StringComparison.Ordinal))
            {
                paymentIds.Add(paymentId);
                if (status == HttpStatusCode.Created)
                {
                    authorizedIds.Add(paymentId);
                }
            }
            return payment;
        }
        async Task<JsonElement> PostAsync(string path, object? body, HttpStatusCode status) =>
            await ExpectAsync(await gateway.PostAsync(path, body), status);
        static string Id(JsonElement payment) => payment.GetProperty("id").GetString()!;

        // Automatic capture; half refunded (full, partial, two partials) once the balance covers refunds.
        var refunds = new List<object>();
        for (var i = 0; i < 10; i++)
        {
            var payment = await PayAsync(HttpStatusCode.Created);
            Assert.Equal("succeeded", payment.GetProperty("status").GetString());
            switch (i % 4)
            {
                case 0:
                    refunds.Add(new { payment = Id(payment) });
                    break;
                case 1:
                    refunds.Add(new { payment = Id(payment), amount = 500 });
                    refunds.Add(new { payment = Id(payment), amount = 700 });
                    break;
            }
        }
        // Manual capture: full and partial captures, some refunded; some canceled.
        for (var i = 0; i < 8; i++)
        {
            var payment = await PayAsync(HttpStatusCode.Created, "manual");
            Assert.Equal("requires_capture", payment.GetProperty("status").GetString());
            await PostAsync($"/v1/payments/{Id(payment)}/capture", i % 2 == 0 ? null : new { amount_to_capture = 1500 }, HttpStatusCode.OK);
            if (i % 3 == 0)
            {
                refunds.Add(new { payment = Id(payment), amount = 300 });
            }
        }
        foreach (var refund in refunds)
        {
            await PostAsync("/v1/refunds", refund, HttpStatusCode.Created);
        }
        for (var i = 0; i < 3; i++)
        {
            var payment = await PayAsync(HttpStatusCode.Created, "manual");
            await PostAsync($"/v1/payments/{Id(payment)}/cancel", null, HttpStatusCode.OK);
        }

        // The test cards: declines, a risk block, a review, a processor timeout.
        await PayAsync(HttpStatusCode.PaymentRequired, "manual", card: "4000000000000002");
        await PayAsync(HttpStatusCode.PaymentRequired, "manual", card: "4000000000009995");
        await PayAsync(HttpStatusCode.PaymentRequired, "manual", card: "4000000000004954");
        await PayAsync(HttpStatusCode.Created, "manual", card: "4000000000009235");
        await PayAsync(HttpStatusCode.Accepted, "manual", card: "4000000000000119");

        // An Idempotency-Key: the retry answers the first payment; the same key with another card is refused.
        var key = Guid.NewGuid().ToString();
        var card = Probes.NewCardNumber();
        var first = await PayAsync(HttpStatusCode.Created, "manual", card: card, idempotencyKey: key);
        var retry = await PayAsync(HttpStatusCode.Created, "manual", card: card, idempotencyKey: key);
        Assert.Equal(Id(first), Id(retry));
        var mismatch = await gateway.PostAsync("/v1/payments", GatewayRequests.Payment(captureMethod: "manual", card: NewPan(pans)), key);
        await ExpectRefusedAsync(mismatch);

        // Numbers written with spaces and dashes (the vault accepts both), and requests the gateway refuses.
        var spaced = Probes.NewCardNumber();
        await PayAsync(HttpStatusCode.Created, card: $"{spaced[..4]} {spaced[4..8]} {spaced[8..12]} {spaced[12..]}");
        var dashed = Probes.NewCardNumber();
        await PayAsync(HttpStatusCode.Created, card: $"{dashed[..4]}-{dashed[4..8]}-{dashed[8..12]}-{dashed[12..]}");
        var valid = Probes.NewCardNumber();
        var luhnInvalid = valid[..^1] + (char)('0' + ((valid[^1] - '0' + 1) % 10));
        pans.Add(luhnInvalid);
        await ExpectRefusedAsync(await gateway.PostAsync("/v1/payments", GatewayRequests.Payment(card: luhnInvalid)));
        await ExpectRefusedAsync(await gateway.PostAsync("/v1/payments", new
        {
            amount = 1000, currency = "usd", capture_method = "automatic",
            payment_method = new { type = "card", card = new { number = NewPan(pans), exp_month = 12, exp_year = 2020, cvc = "123" } },
        }));

        // What the merchant reads back.
        foreach (var path in paymentIds.Distinct().Select(id => $"/v1/payments/{id}").Append("/v1/payments?limit=100").Append("/v1/refunds?limit=100"))
        {
            await ExpectAsync(await gateway.GetAsync(new Uri(path, UriKind.Relative)), HttpStatusCode.OK);
        }
    }

    private async Task ExpectRefusedAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            _answers.Add(body);
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"a request to refuse answered {(int)response.StatusCode}: {body}");
        }
    }

    private static string NewPan(List<string> pans)
    {
        var pan = Probes.NewCardNumber();
        pans.Add(pan);
        return pan;
    }

    private async Task<JsonElement> ExpectAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        using (response)
        {
            _answers.Add(await response.Content.ReadAsStringAsync());
            return await response.ExpectAsync(status);
        }
    }

    /// <summary>PostgreSQL logs a failed statement and its error to stderr, which the host keeps as the resource's console output.</summary>
    private async Task PlantLogCanaryAsync(string connectionString, string canary)
    {
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"SELECT '{canary}'::int", connection);
            await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteScalarAsync());
        }
        await Probes.EventuallyAsync(() => Task.FromResult(fixture.ConsoleLines.Any(l => l.Text.Contains(canary, StringComparison.Ordinal))),
            Probes.EventTimeout, "PostgreSQL to log the canary statement");
    }

    /// <summary>Every service instance exports metrics each second; three more exports each and the 1 s span and log batches are out too.</summary>
    private async Task WaitForTelemetryFlushAsync()
    {
        var mark = fixture.Telemetry.Metrics.Count;
        var instances = fixture.Telemetry.Metrics.Select(b => b.Instance).ToHashSet();
        Assert.True(instances.Count >= 6, $"metrics came from only {instances.Count} service instances: {string.Join(", ", instances)}");
        await Probes.EventuallyAsync(() =>
        {
            var since = fixture.Telemetry.Metrics.Skip(mark).GroupBy(b => b.Instance).ToDictionary(g => g.Key, g => g.Count());
            return Task.FromResult(instances.All(i => since.GetValueOrDefault(i) >= 3));
        }, TimeSpan.FromSeconds(30), "every service instance to export metrics three more times");
    }

    private void ScanConsoleLogs(CardDataScanner scanner)
    {
        foreach (var line in fixture.ConsoleLines.ToArray())
        {
            scanner.Scan("console lines", line.Source, line.Text);
        }
        output.WriteLine("console lines per resource: " + string.Join(", ", fixture.ConsoleLines.GroupBy(l => l.Resource)
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}")));
    }

    private void ScanTelemetry(CardDataScanner scanner)
    {
        var telemetry = fixture.Telemetry;
        foreach (var span in telemetry.Spans.ToArray())
        {
            scanner.Scan("otlp spans", $"{span.Service} span {span.Span.Name}", span.Span.ToString());
            scanner.Count("otlp span attributes", span.Span.Attributes.Count + span.Span.Events.Sum(e => e.Attributes.Count) + span.Span.Links.Sum(l => l.Attributes.Count));
        }
        foreach (var batch in telemetry.Logs.ToArray())
        {
            scanner.Scan("otlp log resources", batch.Instance, batch.Data.Resource?.ToString() ?? "");
            foreach (var scope in batch.Data.ScopeLogs)
            {
                foreach (var record in scope.LogRecords)
                {
                    scanner.Scan("otlp log records", $"{batch.Instance} log {scope.Scope?.Name}", record.ToString());
                    scanner.Count("otlp log attributes", record.Attributes.Count);
                }
            }
        }
        foreach (var batch in telemetry.Metrics.ToArray())
        {
            scanner.Scan("otlp metric resources", batch.Instance, batch.Data.Resource?.ToString() ?? "");
            foreach (var metric in batch.Data.ScopeMetrics.SelectMany(s => s.Metrics))
            {
                var labels = metric.DataCase switch
                {
                    Metric.DataOneofCase.Gauge => metric.Gauge.DataPoints.Select(p => p.Attributes.Count),
                    Metric.DataOneofCase.Sum => metric.Sum.DataPoints.Select(p => p.Attributes.Count),
                    Metric.DataOneofCase.Histogram => metric.Histogram.DataPoints.Select(p => p.Attributes.Count),
                    Metric.DataOneofCase.ExponentialHistogram => metric.ExponentialHistogram.DataPoints.Select(p => p.Attributes.Count),
                    Metric.DataOneofCase.Summary => metric.Summary.DataPoints.Select(p => p.Attributes.Count),
                    _ => Enumerable.Empty<int>(),
                };
                var points = labels.ToList();
                scanner.Scan("otlp metrics", $"{batch.Instance} metric {metric.Name}", metric.ToString());
                scanner.Count("otlp metric data points", points.Count);
                scanner.Count("otlp metric labels", points.Sum());
            }
        }
    }

    private async Task ScanEventsAsync(CardDataScanner scanner, string paymentsDb, TestMerchant merchant)
    {
        foreach (var row in await Probes.QueryAsync(paymentsDb, "SELECT id, type, payload::text, coalesce(traceparent, '') FROM events"))
        {
            scanner.Scan("events table rows", $"events {row[0]}", $"{row[1]} {row[2]} {row[3]}");
        }
        // The events API arrives with "Gateway, part 2"; read it when it is there.
        using var events = await merchant.Client.GetAsync(new Uri("/v1/events?limit=100", UriKind.Relative));
        var body = await events.Content.ReadAsStringAsync();
        if (events.StatusCode == HttpStatusCode.OK)
        {
            scanner.Scan("GET /v1/events", "gateway", body);
        }
        output.WriteLine($"GET /v1/events answered {(int)events.StatusCode}{(events.StatusCode == HttpStatusCode.OK ? "; scanned" : "; not scanned (not built yet)")}");
    }

    /// <summary>
    /// pg_dump of each database as its owning role. The vault's ciphertext is bytea (dumped as hex), so it is read
    /// like everything else: a PAN cannot appear in it in clear.
    /// </summary>
    private async Task ScanDatabasesAsync(CardDataScanner scanner, List<string> paymentIds, List<string> authorizedIds, HashSet<string> eventIds)
    {
        var paymentsDb = (await fixture.App.GetConnectionStringAsync("paymentsdb"))!;
        var vault = await Probes.QueryAsync(paymentsDb,
            "SELECT count(*), (SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY column_name) FROM information_schema.columns " +
            "WHERE table_name = 'card_vault' AND column_name IN ('nonce', 'ciphertext', 'tag')) FROM card_vault");
        var vaultRows = (long)vault[0][0]!;
        Assert.True(vaultRows > 0, "card_vault has no rows");
        Assert.Equal("ciphertext:bytea,nonce:bytea,tag:bytea", (string?)vault[0][1]);
        output.WriteLine($"card_vault: {vaultRows} rows (ciphertext, nonce, tag: bytea)");

        foreach (var database in Databases)
        {
            var dump = await PgDumpAsync((await fixture.App.GetConnectionStringAsync(database))!);
            string? table = null;
            var rows = 0;
            var lineNumber = 0;
            foreach (var line in dump.Split('\n'))
            {
                lineNumber++;
                if (line.StartsWith("COPY ", StringComparison.Ordinal))
                {
                    table = line.Split(' ')[1];
                }
                else if (line == "\\.")
                {
                    table = null;
                }
                else if (table is not null)
                {
                    rows++;
                }
                scanner.Scan($"pg_dump {database} lines", $"{database} line {lineNumber}{(table is null ? "" : $" ({table})")}", line);
            }
            scanner.Count($"pg_dump {database} rows", rows);
            output.WriteLine($"pg_dump {database}: {dump.Length.ToString("N0", CultureInfo.InvariantCulture)} characters, {rows} rows");

            // The dumps hold the data: the run's payment ids, the authorized ones' ledger transfers, the events at notify.
            var mustHold = database switch { "paymentsdb" => paymentIds, "ledgerdb" => authorizedIds, "notifydb" => eventIds.ToList(), _ => [] };
            var missing = mustHold.Where(id => !dump.Contains(id, StringComparison.Ordinal)).ToList();
            Assert.True(missing.Count == 0, $"the {database} dump lacks {missing.Count} ids, e.g. {string.Join(", ", missing.Take(3))}");
        }
    }

    private static async Task<string> PgDumpAsync(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var pgDump = Directory.GetDirectories("/usr/lib/postgresql")
            .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
            .Select(d => Path.Combine(d, "bin", "pg_dump")).First(File.Exists);
        var start = new ProcessStartInfo(pgDump)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "--host", builder.Host!, "--port", builder.Port.ToString(CultureInfo.InvariantCulture), "--username", builder.Username!, "--no-password", "--dbname", builder.Database! },
        };
        start.Environment["PGPASSWORD"] = builder.Password;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"pg_dump of {builder.Database} exited {process.ExitCode}: {await stderr}");
        return await stdout;
    }

    /// <summary>
    /// Every file under a data directory, read as bytes (Latin-1: one character per byte), so text stored in clear in
    /// pages, WAL records or AOF commands is seen; <paramref name="mustContain"/> proves the files were readable.
    /// </summary>
    private void ScanFiles(CardDataScanner scanner, string category, string directory, string mustContain)
    {
        var files = 0;
        long bytes = 0;
        var contained = false;
        foreach (var path in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            byte[] content;
            try
            {
                using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var copy = new MemoryStream();
                file.CopyTo(copy);
                content = copy.ToArray();
            }
            catch (FileNotFoundException)
            {
                continue;   // a temporary file removed while the scan ran
            }
            var text = Encoding.Latin1.GetString(content);
            scanner.Scan(category, Path.GetRelativePath(directory, path), text);
            contained |= text.Contains(mustContain, StringComparison.Ordinal);
            files++;
            bytes += content.Length;
        }
        scanner.Count($"{category} bytes", bytes);
        output.WriteLine($"{category}: {files} files, {bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes under {directory}");
        Assert.True(contained, $"no file under {directory} holds {mustContain} in clear");
    }

    /// <summary>Every key (SCAN), read according to its TYPE.</summary>
    private async Task ScanRedisAsync(CardDataScanner scanner, RedisClient redis)
    {
        var keyspace = (string)(await redis.ExecuteAsync("INFO", "keyspace"))!;
        var databases = keyspace.Split('\n').Where(l => l.StartsWith("db", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
        output.WriteLine($"redis keyspace: {string.Join("; ", databases)}");
        Assert.All(databases, d => Assert.StartsWith("db0:", d, StringComparison.Ordinal));

        var types = new Dictionary<string, int>(StringComparer.Ordinal);
        var cursor = "0";
        do
        {
            var page = await redis.ExecuteAsync("SCAN", cursor, "COUNT", 1000);
            cursor = (string)page[0]!;
            foreach (var entry in page[1].Elements)
            {
                var key = Text(entry);
                var type = (string)(await redis.ExecuteAsync("TYPE", key))!;
                types[type] = types.GetValueOrDefault(type) + 1;
                var value = type switch
                {
                    "string" => await redis.ExecuteAsync("GET", key),
                    "hash" => await redis.ExecuteAsync("HGETALL", key),
                    "list" => await redis.ExecuteAsync("LRANGE", key, 0, -1),
                    "set" => await redis.ExecuteAsync("SMEMBERS", key),
                    "zset" => await redis.ExecuteAsync("ZRANGE", key, 0, -1, "WITHSCORES"),
                    "stream" => await redis.ExecuteAsync("XRANGE", key, "-", "+"),
                    _ => null,
                };
                scanner.Scan("redis keys", $"key {key}", key);
                if (value is not null)
                {
                    var values = new List<string>();
                    Flatten(value, values);
                    foreach (var v in values)
                    {
                        scanner.Scan("redis values", $"{type} {key}", v);
                    }
                }
                else if (type != "none")
                {
                    Assert.Fail($"Redis key {key} has type {type}, which the scan cannot read");
                }
            }
        }
        while (cursor != "0");
        output.WriteLine($"redis key types: {string.Join(", ", types.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key} {t.Value}"))}");
    }

    private static void Flatten(RedisResult result, List<string> into)
    {
        if (result.IsAggregate)
        {
            foreach (var element in result.Elements)
            {
                Flatten(element, into);
            }
        }
        else if (!result.IsNull)
        {
            into.Add(Text(result));
        }
    }

    // Latin-1 keeps every byte as one character, so digits in binary values are seen as they are.
    private static string Text(RedisResult result) => Encoding.Latin1.GetString((byte[]?)result ?? []);

    /// <summary>A webhook receiver on loopback that answers 200 and keeps every delivery.</summary>
    private sealed class WebhookReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<Webhook> _received = new();

        private WebhookReceiver(WebApplication app) => _app = app;

        public sealed record Webhook(string Id, string Headers, string Body);

        public string Url { get; private set; } = null!;

        public IReadOnlyList<Webhook> All => _received.ToArray();

        public HashSet<string> Ids => _received.Select(w => w.Id).ToHashSet();

        public static async Task<WebhookReceiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var receiver = new WebhookReceiver(app);
            app.MapPost("/hook", async (HttpContext context) =>
            {
                using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
                var body = await reader.ReadToEndAsync(context.RequestAborted);
                var headers = string.Join("\n", context.Request.Headers.Select(h => $"{h.Key}: {h.Value}"));
                receiver._received.Enqueue(new Webhook(context.Request.Headers["webhook-id"].ToString(), headers, body));
                return Results.Ok();
            });
            await app.StartAsync();
            receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hook";
            return receiver;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

/// <summary>
/// Looks for card numbers in text: runs of 13 or more digits (single spaces or dashes between digits allowed, as
/// numbers are often written) are matched against every 13-digit window of each random PAN, so a whole, formatted
/// or truncated-but-still-13-digit number is found; fixed test cards are matched whole. Also a CVC in JSON, and
/// secrets (matched whole; a finding's context shows the secret's label, never its value).
/// </summary>
internal sealed partial class CardDataScanner
{
    public const string CvcLabel = "\"cvc\":\"";
    private const int Window = 13;

    private readonly Dictionary<string, string> _windows = new(StringComparer.Ordinal);
    private readonly List<(string Label, string Pan)> _whole;
    private readonly HashSet<(string, string, string)> _seen = [];
    private readonly List<(string Label, string Value)> _secrets = [];

    public CardDataScanner(IReadOnlyList<(string Label, string Pan)> randomPans, IReadOnlyList<(string Label, string Pan)> fixedPans)
    {
        foreach (var (label, pan) in randomPans)
        {
            LookFor(label, pan);
        }
        _whole = [.. fixedPans];
    }

    public List<Finding> Findings { get; } = [];

    public Dictionary<string, long> Counts { get; } = new(StringComparer.Ordinal);

    public sealed record Finding(string Category, string Location, string Label, string Context)
    {
        public override string ToString() => $"[{Category}] {Location}: {Label} in \"{Context}\"";
    }

    /// <summary>Another number to look for (by every 13-digit window).</summary>
    public void LookFor(string label, string pan)
    {
        var digits = new string(pan.Where(char.IsAsciiDigit).ToArray());
        for (var i = 0; i + Window <= digits.Length; i++)
        {
            _windows.TryAdd(digits.Substring(i, Window), label);
        }
    }

    /// <summary>A secret to look for, whole.</summary>
    public void LookForSecret(string label, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        _secrets.Add((label, value));
    }

    public void Count(string category, long items) => Counts[category] = Counts.GetValueOrDefault(category) + items;

    public void Scan(string category, string location, string text)
    {
        Count(category, 1);
        foreach (Match run in DigitRun().Matches(text))
        {
            var digits = run.Value.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
            for (var i = 0; i + Window <= digits.Length; i++)
            {
                if (_windows.TryGetValue(digits.Substring(i, Window), out var label))
                {
                    Report(category, location, label, text, run.Index, run.Length);
                    break;
                }
            }
            foreach (var (label, pan) in _whole)
            {
                if (digits.Contains(pan, StringComparison.Ordinal))
                {
                    Report(category, location, label, text, run.Index, run.Length);
                }
            }
        }
        foreach (Match cvc in Cvc().Matches(text))
        {
            Report(category, location, CvcLabel, text, cvc.Index, cvc.Length);
        }
        foreach (var (label, value) in _secrets)
        {
            if (text.IndexOf(value, StringComparison.Ordinal) is var index and >= 0)
            {
                Report(category, location, label, text.Replace(value, $"<{label}>", StringComparison.Ordinal), index, label.Length + 2);
            }
        }
    }

    private void Report(string category, string location, string label, string text, int index, int length)
    {
        if (_seen.Add((category, location, label)))
        {
            var start = Math.Max(0, index - 60);
            var end = Math.Min(text.Length, index + length + 60);
            var context = text[start..end];
            foreach (var (secretLabel, value) in _secrets)
            {
                context = context.Replace(value, $"<{secretLabel}>", StringComparison.Ordinal);
            }
            Findings.Add(new Finding(category, location, label, context.ReplaceLineEndings(" ")));
        }
    }

    [GeneratedRegex(@"\d(?:[ -]?\d){12,}")]
    private static partial Regex DigitRun();

    [GeneratedRegex("\"cvc\"\\s*:\\s*\"")]
    private static partial Regex Cvc();
}
