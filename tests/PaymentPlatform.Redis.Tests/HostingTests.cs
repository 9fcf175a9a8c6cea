using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using PaymentPlatform.Redis.Tests.Infrastructure;

namespace PaymentPlatform.Redis.Tests;

public sealed class HostingTests(RedisServerFixture server) : RedisTestBase(server, RedisProtocol.Resp2)
{
    private HostApplicationBuilder CreateBuilder(params (string Key, string? Value)[] settings)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.Services.AddLogging();
        return builder;
    }

    [Fact]
    public async Task AddRedisClientRegistersOneSharedClientForTheNamedConnectionString()
    {
        HostApplicationBuilder builder = CreateBuilder(("ConnectionStrings:cache", Server.ConnectionString));

        builder.AddRedisClient("cache");

        await using ServiceProvider services = builder.Services.BuildServiceProvider();
        RedisClient client = services.GetRequiredService<RedisClient>();
        Assert.Same(client, services.GetRequiredService<RedisClient>());
        await client.SetAsync(Key("k"), "v");
        Assert.Equal("v", (string?)await client.GetAsync(Key("k")));
    }

    [Fact]
    public async Task AddRedisClientReadsTheConnectionStringFromTheEnvironmentAsAspireSetsIt()
    {
        string name = "cache" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable($"ConnectionStrings__{name}", Server.ConnectionString);
        try
        {
            HostApplicationBuilder builder = Host.CreateApplicationBuilder();
            builder.AddRedisClient(name);

            using IHost host = builder.Build();
            Assert.True(await host.Services.GetRequiredService<RedisClient>().PingAsync() > TimeSpan.Zero);
        }
        finally
        {
            Environment.SetEnvironmentVariable($"ConnectionStrings__{name}", null);
        }
    }

    [Fact]
    public async Task TheHealthCheckIsNamedAfterTheConnectionTaggedReadyAndPingsTheServer()
    {
        HostApplicationBuilder builder = CreateBuilder(("ConnectionStrings:cache", Server.ConnectionString));
        builder.AddRedisClient("cache");
        await using ServiceProvider services = builder.Services.BuildServiceProvider();
        RedisClient client = services.GetRequiredService<RedisClient>();
        long pingsBefore = await CommandStats.CallsAsync(client, "PING");

        HealthReport report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        HealthReportEntry entry = report.Entries["cache"];
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Contains("ready", entry.Tags);
        Assert.Equal(pingsBefore + 1, await CommandStats.CallsAsync(client, "PING"));
    }

    [Fact]
    public async Task TheHealthCheckIsUnhealthyWhenTheServerCannotBeReached()
    {
        int closedPort;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }
        HostApplicationBuilder builder = CreateBuilder(("ConnectionStrings:cache", $"127.0.0.1:{closedPort},syncTimeout=300,connectTimeout=300"));
        builder.AddRedisClient("cache");
        await using ServiceProvider services = builder.Services.BuildServiceProvider();

        HealthReport report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Unhealthy, report.Entries["cache"].Status);
        Assert.IsType<RedisConnectionException>(report.Entries["cache"].Exception);
    }

    [Fact]
    public void ResolvingTheClientWithoutAConnectionStringSaysWhereToPutIt()
    {
        HostApplicationBuilder builder = CreateBuilder();
        builder.AddRedisClient("cache");
        using ServiceProvider services = builder.Services.BuildServiceProvider();

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<RedisClient>());

        Assert.Contains("ConnectionStrings:cache", error.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__cache", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SettingsFromConfigurationCanDisableTheHealthCheck()
    {
        HostApplicationBuilder builder = CreateBuilder(
            ("ConnectionStrings:cache", Server.ConnectionString),
            ("PaymentPlatform:Redis:cache:DisableHealthChecks", "true"));
        builder.Services.AddHealthChecks();

        builder.AddRedisClient("cache");

        await using ServiceProvider services = builder.Services.BuildServiceProvider();
        HealthReport report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.DoesNotContain("cache", report.Entries.Keys);
    }

    [Fact]
    public async Task OptionsCanBeAdjustedInCode()
    {
        HostApplicationBuilder builder = CreateBuilder(("ConnectionStrings:cache", Server.ConnectionString));

        builder.AddRedisClient("cache", configureOptions: options => options.Database = 5);

        await using ServiceProvider services = builder.Services.BuildServiceProvider();
        Assert.Equal(5, services.GetRequiredService<RedisClient>().Database);
    }

    [Fact]
    public void AddRedisClientChecksItsArguments()
    {
        HostApplicationBuilder builder = CreateBuilder();

        Assert.Throws<ArgumentNullException>(() => RedisHostingExtensions.AddRedisClient<HostApplicationBuilder>(null!, "cache"));
        Assert.Throws<ArgumentException>(() => builder.AddRedisClient(" "));
    }

    [Fact]
    public async Task EachCommandIsASpanWithTheCommandNameAndNeverTheKeyOrValue()
    {
        string secret = Guid.NewGuid().ToString("N");
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RedisInstrumentation.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using RedisClient client = await ConnectAsync();
        using var parent = new Activity("test").Start();

        await client.SetAsync(Key(secret), secret);
        await Assert.ThrowsAsync<RedisServerException>(() => client.IncrementAsync(Key(secret)));

        Activity[] mine = spans.Where(s => s.ParentId == parent.Id).ToArray();
        Assert.Equal(["SET", "INCR"], mine.Select(s => s.DisplayName));
        Activity set = mine[0];
        Assert.Equal(ActivityKind.Client, set.Kind);
        Assert.Equal("redis", set.GetTagItem("db.system"));
        Assert.Equal("SET", set.GetTagItem("db.operation"));
        Assert.Equal("127.0.0.1", set.GetTagItem("server.address"));
        Assert.Equal(ActivityStatusCode.Error, mine[1].Status);
        Assert.Equal("ERR", mine[1].GetTagItem("error.type"));
        Assert.DoesNotContain(mine.SelectMany(s => s.TagObjects), tag => tag.Value?.ToString()?.Contains(secret, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task CommandDurationsAreRecordedWithTheCommandNameAsTheOnlyLabel()
    {
        var measurements = new ConcurrentQueue<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == RedisInstrumentation.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => measurements.Enqueue((instrument.Name, value, tags.ToArray())));
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => measurements.Enqueue((instrument.Name, value, tags.ToArray())));
        listener.Start();

        await using RedisClient client = await ConnectAsync();
        await client.HashSetAsync(Key("unique-hash-key"), "f", "v");

        Assert.Contains(measurements, m => m.Instrument == "redis.client.connections.opened");
        var durations = measurements.Where(m => m.Instrument == "redis.client.command.duration").ToArray();
        Assert.Contains(durations, m => m.Tags.SequenceEqual([new KeyValuePair<string, object?>("db.operation", "HSET")]));
        Assert.All(durations, m => Assert.Equal(["db.operation"], m.Tags.Select(t => t.Key)));
        Assert.All(durations, m => Assert.InRange(m.Value, 0, 60));
    }

    [Fact]
    public async Task TracingAndMetricsCanBeTurnedOff()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RedisInstrumentation.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using RedisClient client = await ConnectAsync(options => options.DisableTracing = true);
        using var parent = new Activity("test").Start();

        await client.PingAsync();

        Assert.DoesNotContain(spans, s => s.ParentId == parent.Id);
    }
}
