// Notify's delivery benchmark (docs/notify.md). Not part of the test command:
//   dotnet run -c Release --project services/PaymentPlatform.Notify.Benchmarks -- [--events 20000] [--endpoints 20] [--rate 1000] [--seconds 10] [--payments 200] [--payment-rate 20] [--skip-platform]
// 1. Throughput: notify as a real process (the host starts PostgreSQL, Redis and notify as the AppHost does);
//    a burst of events XADDed to the stream as the gateway's relay writes them, delivered to a fast local receiver.
// 2. Steady rate: events XADDed at --rate per second; delay from XADD to the webhook's arrival.
// 3. Payment to delivery: the whole AppHost; payments POSTed to the gateway at --payment-rate per second;
//    delay from the POST to the arrival of the payment.authorized webhook.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Hosting.Testing;
using PaymentPlatform.Notify.Benchmarks;
using PaymentPlatform.Redis;

var options = Args.Parse(args);
Console.WriteLine($"notify benchmark: {Environment.ProcessorCount} cores, {options}");

await using (var receiver = await Receiver.StartAsync())
{
    const string token = "notify-benchmark-token";
    var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
    {
        ApplicationName = "notify-benchmark",
        IsTesting = true,
        EchoResourceLogs = false,
        HealthCheckInterval = TimeSpan.FromMilliseconds(250),
    });
    var notifyDb = builder.AddPostgres("postgres").AddDatabase("notifydb");
    var cache = builder.AddRedis("cache");
    builder.AddProject<Projects.PaymentPlatform_Notify>("notify")
        .WithReference(notifyDb).WithReference(cache).WaitFor(notifyDb).WaitFor(cache)
        .WithEnvironment("InternalApi__Token", token)
        .WithEnvironment("Logging__LogLevel__Default", "Warning")
        .WithEnvironment("Notify__Delivery__MaxConcurrency", "256")
        .WithEnvironment("Notify__Delivery__MaxConcurrencyPerEndpoint", "16")
        .WithEnvironment("Notify__Consumer__BatchSize", "500");
    await using var app = builder.Build();
    using (var start = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
    {
        await app.StartAsync(start.Token);
        await app.WaitForAllHealthyAsync(start.Token);
    }
    using var notify = new HttpClient { BaseAddress = new Uri(app.ResourceNotifications.Get("notify")!.Replicas[0].Url!) };
    notify.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    var merchants = new List<string>();
    for (var i = 0; i < options.Endpoints; i++)
    {
        var merchantId = $"mer_bench{i}{Guid.NewGuid():N}"[..24];
        using var created = await notify.PostAsJsonAsync($"/v1/merchants/{merchantId}/endpoints",
            new Dictionary<string, object> { ["url"] = $"{receiver.BaseUrl}/hooks/{i}", ["enabled_events"] = new[] { "*" } });
        created.EnsureSuccessStatusCode();
        merchants.Add(merchantId);
    }
    await using var redis = await RedisClient.ConnectAsync((await app.GetConnectionStringAsync("cache"))!);

    // 1. A burst.
    var sent = new Dictionary<string, long>(options.Events);
    var started = Stopwatch.GetTimestamp();
    await PublishAsync(redis, merchants, options.Events, sent, ratePerSecond: null);
    var published = Stopwatch.GetElapsedTime(started);
    await WaitForAsync(receiver, sent.Count, TimeSpan.FromMinutes(5));
    var last = sent.Keys.Max(id => receiver.FirstArrival[id]);
    var elapsed = Stopwatch.GetElapsedTime(started, last);
    Console.WriteLine($"burst: {sent.Count} events to {options.Endpoints} endpoints XADDed in {published.TotalSeconds:0.00} s, all delivered in {elapsed.TotalSeconds:0.00} s: " +
        $"{sent.Count / elapsed.TotalSeconds:0} deliveries/s ({receiver.Requests} requests)");
    Console.WriteLine($"burst: XADD to delivery {Percentiles.Describe(Delays(sent, receiver))}");

    // 2. A steady rate.
    var steady = new Dictionary<string, long>();
    await PublishAsync(redis, merchants, options.Rate * options.Seconds, steady, options.Rate);
    await WaitForAsync(receiver, sent.Count + steady.Count, TimeSpan.FromMinutes(5));
    Console.WriteLine($"steady {options.Rate}/s for {options.Seconds} s: XADD to delivery {Percentiles.Describe(Delays(steady, receiver))}");
}

if (!options.SkipPlatform)
{
    await PaymentToDeliveryAsync(options);
}

static async Task PaymentToDeliveryAsync(Args options)
{
    await using var receiver = await Receiver.StartAsync();
    receiver.ReadPayments = true;
    await using var testing = await DistributedApplicationTestingBuilder.CreateAsync<Projects.PaymentPlatform_AppHost>();
    testing.CreateResourceBuilder<ProjectResource>("notify").WithEnvironment("Logging__LogLevel__Default", "Warning");
    await using var app = await testing.BuildAsync();
    await app.StartAndWaitForHealthyAsync(TimeSpan.FromSeconds(120));
    var token = await ((ParameterResource)app.Model.Find("internal-token")).GetValueAsync();
    using var notify = new HttpClient { BaseAddress = new Uri(app.ResourceNotifications.Get("notify")!.Replicas[0].Url!) };
    notify.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    var merchantId = $"mer_bench{Guid.NewGuid():N}";
    using (var created = await notify.PostAsJsonAsync($"/v1/merchants/{merchantId}/endpoints",
        new Dictionary<string, object> { ["url"] = $"{receiver.BaseUrl}/hooks/p", ["enabled_events"] = new[] { "payment.authorized" } }))
    {
        created.EnsureSuccessStatusCode();
    }
    using var gateway = app.CreateHttpClient("gateway");
    var postedAt = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
    var answeredMs = new System.Collections.Concurrent.ConcurrentBag<double>();
    var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
    var interval = TimeSpan.FromSeconds(1.0 / options.PaymentRate);
    var begin = Stopwatch.GetTimestamp();
    var inFlight = new List<Task>();
    for (var i = 0; i < options.Payments; i++)
    {
        var due = begin + (long)(i * interval.TotalSeconds * Stopwatch.Frequency);
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
        inFlight.Add(Task.Run(async () =>
        {
            var at = Stopwatch.GetTimestamp();
            using var response = await gateway.PostAsJsonAsync("/v1/payments", new
            {
                merchant_id = merchantId, amount = 1000, currency = "usd", capture_method = "manual",
                payment_method_data = new { type = "card", card = new { number = "4242424242424242", exp_month = 12, exp_year = 2030, cvc = "123" } },
            });
            answeredMs.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
            statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
            if (response.IsSuccessStatusCode)
            {
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                postedAt[body.RootElement.GetProperty("id").GetString()!] = at;
            }
        }));
    }
    await Task.WhenAll(inFlight);
    await WaitForAsync(receiver, postedAt.Count, TimeSpan.FromMinutes(3));
    var delays = receiver.PaymentOf
        .Where(p => postedAt.ContainsKey(p.Value))
        .Select(p => Stopwatch.GetElapsedTime(postedAt[p.Value], receiver.FirstArrival[p.Key]).TotalMilliseconds).ToList();
    Console.WriteLine($"payments: answers {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} x{s.Value}"))}; POST answered in {Percentiles.Describe(answeredMs.ToList())}");
    Console.WriteLine($"payment to delivery ({postedAt.Count} payments at {options.PaymentRate}/s through the whole AppHost): {Percentiles.Describe(delays)}");
}

static async Task PublishAsync(RedisClient redis, List<string> merchants, int count, Dictionary<string, long> sent, int? ratePerSecond)
{
    const int Window = 256;
    var pending = new List<Task>(Window);
    var begin = Stopwatch.GetTimestamp();
    for (var i = 0; i < count; i++)
    {
        if (ratePerSecond is { } rate)
        {
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), begin + (long)((double)i / rate * Stopwatch.Frequency));
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.WhenAll(pending);
                pending.Clear();
                await Task.Delay(wait);
            }
        }
        var eventId = $"evt_{Guid.NewGuid():N}";
        sent[eventId] = Stopwatch.GetTimestamp();
        var payload = $"{{\"object\":{{\"id\":\"pay_{Guid.NewGuid():N}\",\"object\":\"payment\",\"amount\":1000,\"currency\":\"usd\",\"status\":\"requires_capture\"}}}}";
        pending.Add(redis.StreamAddAsync("events", [
            new("event_id", eventId), new("type", "payment.authorized"), new("merchant_id", merchants[i % merchants.Count]),
            new("payload", payload), new("traceparent", ""), new("created_at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture))]));
        if (pending.Count >= Window)
        {
            await Task.WhenAll(pending);
            pending.Clear();
        }
    }
    await Task.WhenAll(pending);
}

static List<double> Delays(Dictionary<string, long> sent, Receiver receiver) =>
    sent.Select(s => Stopwatch.GetElapsedTime(s.Value, receiver.FirstArrival[s.Key]).TotalMilliseconds).ToList();

static async Task WaitForAsync(Receiver receiver, int distinct, TimeSpan timeout)
{
    var stopwatch = Stopwatch.StartNew();
    while (receiver.Distinct < distinct)
    {
        if (stopwatch.Elapsed > timeout)
        {
            throw new TimeoutException($"Only {receiver.Distinct} of {distinct} events were delivered within {timeout}.");
        }
        await Task.Delay(5);
    }
}

internal sealed record Args(int Events, int Endpoints, int Rate, int Seconds, int Payments, int PaymentRate, bool SkipPlatform)
{
    public static Args Parse(string[] args)
    {
        int Int(string name, int fallback) => Array.IndexOf(args, name) is >= 0 and var i && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        return new Args(Int("--events", 20_000), Int("--endpoints", 20), Int("--rate", 1000), Int("--seconds", 10), Int("--payments", 200),
            Int("--payment-rate", 20), args.Contains("--skip-platform"));
    }
}
