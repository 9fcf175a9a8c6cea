using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using PaymentPlatform.ServiceDefaults.InternalApi;

namespace PaymentPlatform.ServiceDefaults.Tests;

public class InternalTokenTests
{
    private const string Token = ClientHost.Token;

    private static Task<TestApp> StartLedgerAsync(LogRecorder? logs = null) => TestApp.StartAsync(
        app =>
        {
            var v1 = app.MapGroup("/v1").RequireInternalToken();
            v1.MapGet("/accounts/{id}", (string id) => TypedResults.Ok(new { id }));
            v1.MapPost("/transfers", (Transfer transfer) => TypedResults.Ok(transfer));
        },
        builder =>
        {
            if (logs is not null)
            {
                builder.Logging.AddProvider(logs);
                builder.Logging.SetMinimumLevel(LogLevel.Trace);
            }
        },
        new Dictionary<string, string?> { ["InternalApi:Token"] = Token });

    [Fact]
    public async Task ACallWithoutTheTokenGets401ProblemJson()
    {
        await using var ledger = await StartLedgerAsync();

        using var response = await ledger.CreateClient().GetAsync("/v1/accounts/acc_1");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("https://paymentplatform.dev/problems/unauthorized", problem.RootElement.GetProperty("type").GetString());
        Assert.Equal("unauthorized", problem.RootElement.GetProperty("code").GetString());
        Assert.Equal(401, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Matches("^[0-9a-f]{32}$", problem.RootElement.GetProperty("traceId").GetString());
    }

    [Fact]
    public async Task ACallWithAWrongTokenGets401AndTheTokensAreNeverLogged()
    {
        var logs = new LogRecorder();
        await using var ledger = await StartLedgerAsync(logs);
        var client = ledger.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong-token-91c2");

        using var wrong = await client.GetAsync("/v1/accounts/acc_1");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var right = await client.GetAsync("/v1/accounts/acc_1");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.DoesNotContain("wrong-token-91c2", await wrong.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.NotEmpty(logs.Entries);
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("wrong-token-91c2") || e.Message.Contains(Token));
    }

    [Fact]
    public async Task ACallWithTheRightTokenIsServed()
    {
        await using var ledger = await StartLedgerAsync();
        var client = ledger.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);

        var account = await client.GetFromJsonAsync<JsonElement>("/v1/accounts/acc_1");

        Assert.Equal("acc_1", account.GetProperty("id").GetString());
    }

    [Fact]
    public async Task TheTokenIsCheckedBeforeTheBodyIsRead()
    {
        await using var ledger = await StartLedgerAsync();

        using var response = await ledger.CreateClient().PostAsync(
            "/v1/transfers",
            new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task InternalClientsAttachTheTokenThemselves()
    {
        await using var ledger = await StartLedgerAsync();
        await using var gateway = await ClientHost.StartAsync("ledger", [ledger.BaseAddress]);

        using var response = await gateway.CreateClient("ledger").PostAsJsonAsync("/v1/transfers", new Transfer("pay_1:auth", 100));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new Transfer("pay_1:auth", 100), await response.Content.ReadFromJsonAsync<Transfer>());
    }

    [Fact]
    public async Task InternalClientsNeverLogTheTokenEvenAtTraceNorInTheLogsStructuredState()
    {
        // Issue 16: the platform leak scan found the token in the client handler's Trace-level header log, whose
        // structured state (exported over OTLP as attributes) holds raw header values even when the message is redacted.
        var logs = await ReadAccountThroughLedgerClientAsync(logging => logging.SetMinimumLevel(LogLevel.Trace));

        Assert.Contains(logs.Entries, e => e.Category == "System.Net.Http.HttpClient.ledger.ClientHandler");
        Assert.Contains(logs.Entries, e => e.Text.Contains("Request Headers", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Text.Contains(Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AServiceThatQuietsHttpClientLogsGetsNoneFromItsInternalClients()
    {
        // The gateway's appsettings set System.Net.Http.HttpClient to Warning: four Information lines per internal call were
        // written to the console, captured by the host and exported over OTLP on every payment.
        var logs = await ReadAccountThroughLedgerClientAsync(logging => logging.SetMinimumLevel(LogLevel.Information)
            .AddFilter("System.Net.Http.HttpClient", LogLevel.Warning));

        Assert.DoesNotContain(logs.Entries, e => e.Category.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutConfigurationTheInternalClientsStillLogEachRequestAtInformation()
    {
        var logs = await ReadAccountThroughLedgerClientAsync(logging => logging.SetMinimumLevel(LogLevel.Information));

        Assert.Contains(logs.Entries, e => e.Category == "System.Net.Http.HttpClient.ledger.ClientHandler");
        Assert.Contains(logs.Entries, e => e.Category == "System.Net.Http.HttpClient.ledger.LogicalHandler");
    }

    /// <summary>A gateway-side internal client reads an account from a real ledger with <paramref name="logging"/>; answers what was logged.</summary>
    private static async Task<StateRecorder> ReadAccountThroughLedgerClientAsync(Action<ILoggingBuilder> logging)
    {
        var logs = new StateRecorder();
        await using var ledger = await StartLedgerAsync();
        await using var gateway = await ClientHost.StartAsync("ledger", [ledger.BaseAddress],
            configure: services => services.AddLogging(builder => logging(builder.AddProvider(logs))));

        using var response = await gateway.CreateClient("ledger").GetAsync(new Uri("/v1/accounts/acc_1", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return logs;
    }

    /// <summary>Keeps each log's category, message and every value of its structured state, as an exporter would see them.</summary>
    private sealed class StateRecorder : ILoggerProvider
    {
        public System.Collections.Concurrent.ConcurrentQueue<(string Category, string Text)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(StateRecorder recorder, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                    ? pairs.Select(p => $"{p.Key}={(p.Value is IEnumerable<string> many ? string.Join(",", many) : p.Value)}")
                    : [];
                recorder.Entries.Enqueue((category, string.Join("\n", values.Prepend(formatter(state, exception)))));
            }
        }
    }

    [Fact]
    public async Task AServiceWithInternalRoutesAndNoTokenFailsAtStartSayingWhatToSet()
    {
        await using var app = TestApp.Build(app => app.MapGroup("/v1").RequireInternalToken().MapGet("/x", () => "x"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains("InternalApi:Token", error.Message);
        Assert.Contains("InternalApi__Token", error.Message);
    }

    [Fact]
    public async Task AServiceWithoutInternalRoutesStartsWithoutAToken()
    {
        await using var app = await TestApp.StartAsync(app => app.MapGet("/public", () => "hello"));

        Assert.Equal("hello", await app.CreateClient().GetStringAsync("/public"));
    }

    [Theory]
    [InlineData("Bearer s3cret", true)]
    [InlineData("bearer s3cret", true)]
    [InlineData("Bearer  s3cret ", true)]
    [InlineData("Bearer s3cre", false)]
    [InlineData("Bearer s3cret2", false)]
    [InlineData("Basic s3cret", false)]
    [InlineData("s3cret", false)]
    [InlineData("", false)]
    public void TheVerifierAcceptsOnlyTheExactBearerToken(string header, bool authorized)
    {
        Assert.Equal(authorized, InternalTokenVerifier.IsAuthorized(new StringValues(header), "s3cret"));
    }

    [Fact]
    public void TheVerifierRejectsEverythingWhenNoTokenIsConfiguredOrTwoHeadersAreSent()
    {
        Assert.False(InternalTokenVerifier.IsAuthorized(new StringValues("Bearer "), ""));
        Assert.False(InternalTokenVerifier.IsAuthorized(new StringValues("Bearer x"), null));
        Assert.False(InternalTokenVerifier.IsAuthorized(new StringValues(["Bearer s3cret", "Bearer s3cret"]), "s3cret"));
    }

    internal sealed record Transfer(string Id, long Amount);
}
