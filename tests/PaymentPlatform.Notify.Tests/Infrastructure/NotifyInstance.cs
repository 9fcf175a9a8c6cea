using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using PaymentPlatform.Redis;

namespace PaymentPlatform.Notify.Tests.Infrastructure;

/// <summary>
/// Notify itself (its Program, in-process through WebApplicationFactory) against the fixture's
/// PostgreSQL (a schema of its own) and Redis (a stream of its own), with a compressed retry
/// schedule. Starting a second instance on the same schema, stream and name is a restart.
/// </summary>
public sealed class NotifyInstance : IAsyncDisposable
{
    public const string Token = "notify-tests-internal-token";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly WebApplicationFactory<Program> _factory;

    private NotifyInstance(WebApplicationFactory<Program> factory, string schema, string stream, string owner, NpgsqlDataSource db, RedisClient redis)
    {
        _factory = factory;
        Schema = schema;
        Stream = stream;
        Owner = owner;
        Db = db;
        Redis = redis;
        Client = factory.CreateClient();
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    public string Schema { get; }

    public string Stream { get; }

    /// <summary>The replica's name (service.instance.id): its consumer name and lease owner.</summary>
    public string Owner { get; }

    public NpgsqlDataSource Db { get; }

    public RedisClient Redis { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary>Another client to this instance, without the internal token.</summary>
    public HttpClient CreateClient() => _factory.CreateClient();

    /// <summary>The default test settings; <paramref name="settings"/> adds to or overrides them.</summary>
    public static async Task<NotifyInstance> StartAsync(NotifyFixture fixture, string environment = "Development",
        IReadOnlyDictionary<string, string?>? settings = null, NotifyInstance? restartOf = null)
    {
        var schema = restartOf?.Schema ?? await fixture.CreateSchemaAsync();
        var stream = restartOf?.Stream ?? "events-" + Guid.NewGuid().ToString("N");
        var owner = restartOf?.Owner ?? "notify-" + Guid.NewGuid().ToString("N")[..12];
        var all = new Dictionary<string, string?>
        {
            ["ConnectionStrings:notifydb"] = fixture.ConnectionStringFor(schema),
            ["ConnectionStrings:cache"] = fixture.RedisConnectionString,
            ["InternalApi:Token"] = Token,
            ["Notify:SecretsKey"] = fixture.SecretsKey,
            ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={owner}",
            ["Notify:Consumer:Stream"] = stream,
            ["Notify:Consumer:BlockTime"] = "00:00:00.200",
            ["Notify:Delivery:RetrySchedule"] = "00:00:00,00:00:00.200,00:00:00.400",
            ["Notify:Delivery:AttemptTimeout"] = "00:00:02",
            ["Notify:Delivery:PollInterval"] = "00:00:00.050",
            ["Notify:Delivery:SlowDownDelay"] = "00:00:00.200",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment(environment);
            foreach (var (key, value) in all)
            {
                builder.UseSetting(key, value);
            }
        });
        var db = new NpgsqlDataSourceBuilder(fixture.ConnectionStringFor(schema)).Build();
        var redis = await RedisClient.ConnectAsync(fixture.RedisConnectionString);
        var instance = new NotifyInstance(factory, schema, stream, owner, db, redis);
        // The first request starts the host: migrations, the consumer and the dispatcher.
        using var health = await instance.Client.GetAsync(new Uri("/health", UriKind.Relative));
        return instance;
    }

    /// <summary>Creates an endpoint through the internal API; the answer's JSON (with the secret).</summary>
    public async Task<JsonElement> CreateEndpointAsync(string merchantId, string url, string[]? events = null, int? rateLimit = null)
    {
        using var response = await Client.PostAsJsonAsync(new Uri($"/v1/merchants/{merchantId}/endpoints", UriKind.Relative),
            new { url, enabled_events = events ?? ["*"], description = "test", rate_limit = rateLimit }, Json);
        return await ExpectAsync(response, HttpStatusCode.Created);
    }

    /// <summary>Writes an event to the stream as the gateway's relay does; returns its id.</summary>
    public Task<string> PublishAsync(string merchantId, string type = "payment.captured", string? traceparent = null, string? eventId = null,
        DateTimeOffset? createdAt = null) => PublishAsync(Redis, Stream, merchantId, type, traceparent, eventId, createdAt);

    /// <summary>Writes an event to a stream, with or without a notify running.</summary>
    public static async Task<string> PublishAsync(RedisClient redis, string stream, string merchantId, string type = "payment.captured",
        string? traceparent = null, string? eventId = null, DateTimeOffset? createdAt = null)
    {
        eventId ??= "evt_" + Guid.NewGuid().ToString("N");
        var payload = JsonSerializer.Serialize(new { @object = new { id = "pay_" + Guid.NewGuid().ToString("N"), @object = "payment", amount = 1000, currency = "usd" } });
        await redis.StreamAddAsync(stream, [
            new("event_id", eventId), new("type", type), new("merchant_id", merchantId), new("payload", payload),
            new("traceparent", traceparent ?? ""),
            new("created_at", (createdAt ?? DateTimeOffset.UtcNow).ToString("O", System.Globalization.CultureInfo.InvariantCulture))]);
        return eventId;
    }

    public async Task<JsonElement> DeliveriesAsync(string merchantId, string eventId)
    {
        using var response = await Client.GetAsync(new Uri($"/v1/merchants/{merchantId}/events/{eventId}/deliveries", UriKind.Relative));
        return await ExpectAsync(response, HttpStatusCode.OK);
    }

    /// <summary>The single delivery of an event once it has the status; its JSON.</summary>
    public async Task<JsonElement> WaitForDeliveryAsync(string merchantId, string eventId, string status, TimeSpan? timeout = null) =>
        (JsonElement)await Eventually.GetAsync<object>(async () =>
        {
            using var response = await Client.GetAsync(new Uri($"/v1/merchants/{merchantId}/events/{eventId}/deliveries", UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null; // not recorded yet
            }
            var data = (await ExpectAsync(response, HttpStatusCode.OK)).GetProperty("data");
            return data.GetArrayLength() == 1 && data[0].GetProperty("status").GetString() == status ? data[0] : null;
        }, $"event {eventId}'s delivery to be {status}", timeout);

    public async Task<JsonElement> EndpointAsync(string merchantId, string endpointId)
    {
        using var response = await Client.GetAsync(new Uri($"/v1/merchants/{merchantId}/endpoints", UriKind.Relative));
        var list = await ExpectAsync(response, HttpStatusCode.OK);
        return list.GetProperty("data").EnumerateArray().Single(e => e.GetProperty("id").GetString() == endpointId);
    }

    public static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, not {(int)status}: {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    public async Task<object?> ScalarAsync(string sql, params object[] parameters)
    {
        await using var command = Db.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        return await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        await Redis.DisposeAsync();
        await Db.DisposeAsync();
    }
}
