using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace PaymentPlatform.Ledger.Benchmarks;

/// <summary>What one scenario achieved: transfers per second and the latency of each request (one transfer or a batch).</summary>
internal sealed record ScenarioResult(string Name, double TransfersPerSecond, Percentiles Latency, long Transfers, long WriteTransactions, IReadOnlyDictionary<string, int> Errors);

/// <summary>
/// Closed-loop clients posting transfers between uniformly random pairs of accounts: 10,000 of them, or a hot set of 10.
/// Accounts carry no balance limits, so every transfer is created; anything else is counted as an error.
/// </summary>
internal sealed class Workload(LedgerUnderTest ledger, BenchmarkOptions options)
{
    private static readonly byte[] Created = Encoding.UTF8.GetBytes("\"result\":\"created\"");
    private static readonly byte[] Exists = Encoding.UTF8.GetBytes("\"result\":\"exists\"");
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(2);

    private readonly string _run = Guid.NewGuid().ToString("N")[..6];
    private long _nextId;

    public string[] Uniform { get; private set; } = [];

    public string[] Hot { get; private set; } = [];

    public async Task CreateAccountsAsync()
    {
        Uniform = [.. Enumerable.Range(0, options.Accounts).Select(i => $"acc-{_run}-{i}")];
        Hot = [.. Enumerable.Range(0, options.HotAccounts).Select(i => $"hot-{_run}-{i}")];
        var queue = new ConcurrentQueue<string>(Uniform.Concat(Hot));
        using var client = ledger.CreateClient();
        await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
        {
            while (queue.TryDequeue(out var id))
            {
                using var content = new StringContent($$"""{"id":"{{id}}","ledger":"usd","code":"benchmark"}""", Encoding.UTF8, "application/json");
                using var response = await client.PostAsync(new Uri("/v1/accounts", UriKind.Relative), content);
                if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK))
                {
                    throw new InvalidOperationException($"Creating account {id} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
            }
        }));
    }

    /// <summary><paramref name="clients"/> clients, each posting a request of <paramref name="batchSize"/> transfers (1: a single transfer object) as soon as the last answered.</summary>
    public async Task<ScenarioResult> RunAsync(string name, string[] accounts, int batchSize, int clients)
    {
        var latencies = new ConcurrentBag<List<double>>();
        var errors = new ConcurrentDictionary<string, int>();
        long transfers = 0;
        using var http = ledger.CreateClient();
        var measureFrom = Stopwatch.GetTimestamp() + (long)(Warmup.TotalSeconds * Stopwatch.Frequency);
        var until = measureFrom + (long)options.Seconds * Stopwatch.Frequency;
        long xidsBefore = 0;
        var measuring = Task.Delay(Warmup).ContinueWith(async _ => xidsBefore = await ServerFacts.NextTransactionIdAsync(ledger), TaskScheduler.Default).Unwrap();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var mine = new List<double>();
            var random = new Random(HashCode.Combine(name, c));
            while (Stopwatch.GetTimestamp() is var started && started < until)
            {
                var (ok, error) = await PostAsync(http, accounts, batchSize, random);
                if (started < measureFrom)
                {
                    continue;
                }
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                Interlocked.Add(ref transfers, ok);
                if (error is not null)
                {
                    errors.AddOrUpdate(error, 1, (_, n) => n + 1);
                }
            }
            latencies.Add(mine);
        })));
        var elapsed = Stopwatch.GetElapsedTime(measureFrom);
        await measuring;
        var xids = await ServerFacts.NextTransactionIdAsync(ledger) - xidsBefore;
        return new ScenarioResult(name, transfers / elapsed.TotalSeconds, Percentiles.Of(latencies.SelectMany(l => l)), transfers, xids, errors);
    }

    /// <summary>
    /// Adds <paramref name="count"/> transfers in batches of 8,190, the largest a request takes, from two clients (batches
    /// that large touch nearly every account, so they commit one after the other anyway). A failed batch is reported
    /// with the ledger's last log lines and sent again: its ids make the retry idempotent.
    /// </summary>
    public async Task<TimeSpan> FillAsync(long count, Action<long> progress)
    {
        const int BatchSize = 8190, Clients = 2, Attempts = 3;
        long remaining = count, done = 0;
        var watch = Stopwatch.StartNew();
        using var http = ledger.CreateClient();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            var random = new Random(c);
            while (Interlocked.Add(ref remaining, -BatchSize) + BatchSize is var left && left > 0)
            {
                var size = (int)Math.Min(BatchSize, left);
                var body = Body(Uniform, size, random);
                for (var attempt = 1; ; attempt++)
                {
                    var (ok, error) = await PostAsync(http, body, size, countExisting: true);
                    if (error is null && ok == size)
                    {
                        break;
                    }
                    Console.WriteLine($"  a fill batch of {size} failed ({error}, attempt {attempt}); the ledger's last lines:{Environment.NewLine}    {string.Join(Environment.NewLine + "    ", ledger.RecentLogs(15))}");
                    if (attempt == Attempts)
                    {
                        throw new InvalidOperationException($"A fill batch of {size} failed {Attempts} times: {error}");
                    }
                }
                var total = Interlocked.Add(ref done, size);
                if (total / 1_000_000 != (total - size) / 1_000_000)
                {
                    progress(total);
                }
            }
        })));
        return watch.Elapsed;
    }

    private Task<(int Created, string? Error)> PostAsync(HttpClient http, string[] accounts, int batchSize, Random random) =>
        PostAsync(http, Body(accounts, batchSize, random), batchSize, countExisting: false);

    private static async Task<(int Created, string? Error)> PostAsync(HttpClient http, byte[] body, int batchSize, bool countExisting)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        try
        {
            using var response = await http.PostAsync(new Uri("/v1/transfers", UriKind.Relative), content);
            var answer = await response.Content.ReadAsByteArrayAsync();
            if (batchSize == 1)
            {
                return response.StatusCode == HttpStatusCode.Created ? (1, null) : (0, $"{(int)response.StatusCode}");
            }
            var created = Count(answer, Created) + (countExisting ? Count(answer, Exists) : 0);
            return response.StatusCode == HttpStatusCode.OK && created == batchSize ? (created, null) : (created, $"{(int)response.StatusCode}, {batchSize - created} not created");
        }
        catch (HttpRequestException ex)
        {
            return (0, ex.GetType().Name);
        }
    }

    private byte[] Body(string[] accounts, int batchSize, Random random)
    {
        var buffer = new ArrayBufferWriter<byte>(batchSize * 128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            if (batchSize > 1)
            {
                json.WriteStartArray();
            }
            for (var i = 0; i < batchSize; i++)
            {
                var debit = random.Next(accounts.Length);
                var credit = random.Next(accounts.Length - 1);
                credit = credit >= debit ? credit + 1 : credit;
                json.WriteStartObject();
                json.WriteString("id", $"t-{_run}-{Interlocked.Increment(ref _nextId)}");
                json.WriteString("debit_account_id", accounts[debit]);
                json.WriteString("credit_account_id", accounts[credit]);
                json.WriteNumber("amount", random.Next(1, 10_000));
                json.WriteString("ledger", "usd");
                json.WriteEndObject();
            }
            if (batchSize > 1)
            {
                json.WriteEndArray();
            }
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static int Count(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle)
    {
        var count = 0;
        for (int at; (at = haystack.IndexOf(needle)) >= 0; haystack = haystack[(at + needle.Length)..])
        {
            count++;
        }
        return count;
    }
}
