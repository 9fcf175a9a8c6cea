using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PaymentPlatform.Risk.Tests;

/// <summary>One risk replica, the real service in-process on a real loopback port.</summary>
public sealed class RiskReplica : IAsyncDisposable
{
    private RiskReplica(WebApplication app, HttpClient http, LogCollector logs)
    {
        App = app;
        Http = http;
        Logs = logs;
    }

    public WebApplication App { get; }

    /// <summary>Carries the internal token.</summary>
    public HttpClient Http { get; }

    public LogCollector Logs { get; }

    public IServiceProvider Services => App.Services;

    internal static async Task<RiskReplica> StartAsync(RiskFixture fixture, IDictionary<string, string?>? settings, string? rulesFile, string environment)
    {
        var token = "itok_" + Guid.NewGuid().ToString("N");
        var logs = new LogCollector();
        var app = RiskApplication.Create(["--environment", environment], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:riskdb"] = fixture.RiskDb,
                ["ConnectionStrings:cache"] = fixture.Cache,
                ["InternalApi:Token"] = token,
                ["Risk:Velocity:AllowCallerTime"] = environment == "Production" ? null : "true",
                // Two cores shared with other builds: a 50 ms stall must not look like Redis down.
                ["Risk:Velocity:Timeout"] = "00:00:01",
                ["Logging:LogLevel:Default"] = "Warning",
                ["Logging:LogLevel:PaymentPlatform"] = "Information",
            });
            if (settings is not null)
            {
                builder.Configuration.AddInMemoryCollection(settings);
            }
            if (rulesFile is not null)
            {
                builder.Configuration.AddJsonFile(rulesFile, optional: false, reloadOnChange: true);
            }
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
        });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return new RiskReplica(app, http, logs);
    }

    public async Task<JsonElement> ScoreAsync(object body)
    {
        using var response = await Http.PostAsJsonAsync("/v1/score", body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST /v1/score answered {(int)response.StatusCode}: {json}");
        return json;
    }

    public async Task<string> BlockAsync(string kind, string value)
    {
        using var response = await Http.PostAsJsonAsync("/v1/blocklist", new { kind, value, reason = "test" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public async Task UnblockAsync(string id)
    {
        using var response = await Http.DeleteAsync(new Uri($"/v1/blocklist/{id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>Keeps what the replica logged, so a test can see a reload being logged.</summary>
public sealed class LogCollector : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Entries { get; } = new();

    public bool Contains(string text) => Entries.Any(e => e.Message.Contains(text, StringComparison.Ordinal));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCollector owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((category, logLevel, formatter(state, exception)));
    }
}

/// <summary>Polls a condition until it holds or the deadline passes: no fixed sleeps.</summary>
public static class Eventually
{
    public static async Task<T> Async<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout} waiting for {what}; last value: {value}");
            }
            await Task.Yield();
            await Task.Delay(TimeSpan.FromMilliseconds(25));
        }
    }
}

/// <summary>Score requests with fresh ids.</summary>
public static class Requests
{
    public static string NewId(string prefix) => $"{prefix}_{Guid.NewGuid():N}";

    /// <summary>A live-mode card payment of 10.00 USD from a fresh merchant and card; <paramref name="overrides"/> replace or add fields (null removes one).</summary>
    public static Dictionary<string, object?> Score(params (string Field, object? Value)[] overrides)
    {
        var body = new Dictionary<string, object?>
        {
            ["score_id"] = NewId("pay"),
            ["merchant_id"] = NewId("mer"),
            ["amount"] = 1000,
            ["currency"] = "usd",
            ["card_fingerprint"] = NewId("fp"),
            ["card_bin"] = "424242",
            ["card_last4"] = "4242",
            ["test_mode"] = false,
        };
        foreach (var (field, value) in overrides)
        {
            if (value is null)
            {
                body.Remove(field);
            }
            else
            {
                body[field] = value;
            }
        }
        return body;
    }

    public static string[] Reasons(this JsonElement score) =>
        [.. score.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!)];

    public static string Decision(this JsonElement score) => score.GetProperty("decision").GetString()!;

    /// <summary>The decision and the reasons as one comparable string: <c>review: country_mismatch</c>.</summary>
    public static string Outcome(this JsonElement score) => $"{score.Decision()}: {string.Join(",", score.Reasons())}";
}
