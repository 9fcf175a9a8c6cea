using System.Net;
using System.Text.Json;
using Polly.CircuitBreaker;

namespace PaymentPlatform.ServiceDefaults.Tests;

public class ErrorHandlingTests
{
    private static Task<TestApp> StartAsync(string environment) => TestApp.StartAsync(
        app =>
        {
            app.MapGet("/boom", string () => throw new InvalidOperationException("card 4242424242424242 leaked"));
            app.MapGet("/dependency", string () => throw new BrokenCircuitException("ledger circuit open"));
            app.MapGet("/database", async () =>
            {
                // Nothing listens on port 1: what a request sees while PostgreSQL restarts.
                await using var connection = new Npgsql.NpgsqlConnection("Host=127.0.0.1;Port=1;Username=x;Password=x;Timeout=2;Pooling=false");
                await connection.OpenAsync();
                return "unreachable";
            });
            app.MapGet("/conflict", () => Results.StatusCode(StatusCodes.Status409Conflict));
            app.MapGet("/accounts/{id}", (string id) => Problems.NotFound("account_not_found", $"No account {id}."));
            app.MapPost("/validate", () => Problems.Validation(new Dictionary<string, string[]> { ["amount"] = ["must be positive"] }));
        },
        environment: environment);

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task OutsideDevelopmentAnExceptionBecomesA500ProblemWithoutItsText()
    {
        await using var app = await StartAsync("Production");

        using var response = await app.CreateClient().GetAsync("/boom");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("4242", body);
        Assert.DoesNotContain("InvalidOperationException", body);
        var problem = await ProblemAsync(response);
        Assert.Equal("https://paymentplatform.dev/problems/internal_error", problem.GetProperty("type").GetString());
        Assert.Equal("internal_error", problem.GetProperty("code").GetString());
        Assert.Matches("^[0-9a-f]{32}$", problem.GetProperty("traceId").GetString());
    }

    [Fact]
    public async Task AnUnreachableDatabaseBecomes503DatabaseUnavailableNot500()
    {
        await using var app = await StartAsync("Production");

        using var response = await app.CreateClient().GetAsync("/database");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("database_unavailable", (await ProblemAsync(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task InDevelopmentTheProblemShowsTheException()
    {
        await using var app = await StartAsync("Development");

        using var response = await app.CreateClient().GetAsync("/boom");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var problem = await ProblemAsync(response);
        // Development's exception page answers API clients with problem+json itself.
        Assert.Contains("card 4242424242424242 leaked", problem.GetProperty("detail").GetString());
        Assert.Equal("https://paymentplatform.dev/problems/internal_error", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task AnInternalCallThatWasRejectedBecomes503DependencyUnavailable()
    {
        await using var app = await StartAsync("Production");

        using var response = await app.CreateClient().GetAsync("/dependency");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = await ProblemAsync(response);
        Assert.Equal("https://paymentplatform.dev/problems/dependency_unavailable", problem.GetProperty("type").GetString());
        Assert.False(problem.TryGetProperty("detail", out _));
    }

    [Theory]
    [InlineData("/no-such-route", 404, "not_found")]
    [InlineData("/conflict", 409, "conflict")]
    public async Task EmptyErrorResponsesBecomeProblemJsonWithAStableType(string path, int status, string code)
    {
        await using var app = await StartAsync("Production");

        using var response = await app.CreateClient().GetAsync(path);

        Assert.Equal(status, (int)response.StatusCode);
        var problem = await ProblemAsync(response);
        Assert.Equal($"https://paymentplatform.dev/problems/{code}", problem.GetProperty("type").GetString());
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.True(problem.TryGetProperty("traceId", out _));
    }

    [Fact]
    public async Task ProblemsHelperGivesATypedResultAStableTypeCodeAndTraceId()
    {
        await using var app = await StartAsync("Production");

        using var response = await app.CreateClient().GetAsync("/accounts/acc_9");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await ProblemAsync(response);
        Assert.Equal("https://paymentplatform.dev/problems/account_not_found", problem.GetProperty("type").GetString());
        Assert.Equal("account_not_found", problem.GetProperty("code").GetString());
        Assert.Equal("No account acc_9.", problem.GetProperty("detail").GetString());
        Assert.Matches("^[0-9a-f]{32}$", problem.GetProperty("traceId").GetString());
    }

    [Fact]
    public async Task ValidationProblemsCarryTheFieldErrors()
    {
        await using var app = await StartAsync("Production");

        using var response = await app.CreateClient().PostAsync("/validate", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ProblemAsync(response);
        Assert.Equal("https://paymentplatform.dev/problems/validation_failed", problem.GetProperty("type").GetString());
        Assert.Equal("must be positive", problem.GetProperty("errors").GetProperty("amount")[0].GetString());
    }

    [Theory]
    [InlineData("Not-Found")]
    [InlineData("not found")]
    [InlineData("")]
    [InlineData("1_not_found")]
    public void ProblemCodesMustBeSnakeCase(string code)
    {
        Assert.ThrowsAny<ArgumentException>(() => Problems.TypeFor(code));
    }

    [Fact]
    public async Task AServiceWithSnakeCaseJsonGetsExactlyOneTraceIdInItsProblems()
    {
        await using var app = await TestApp.StartAsync(
            app => app.MapGet("/accounts/{id}", (string id) => Problems.NotFound("account_not_found", $"No account {id}.")),
            configure: builder => builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower));

        using var response = await app.CreateClient().GetAsync("/accounts/acct_1");

        var problem = await ProblemAsync(response);
        var traceFields = problem.EnumerateObject().Where(p => p.Name.Replace("_", "", StringComparison.Ordinal).Equals("traceid", StringComparison.OrdinalIgnoreCase)).ToList();
        var traceField = Assert.Single(traceFields);
        Assert.Equal("traceId", traceField.Name);
        Assert.Matches("^[0-9a-f]{32}$", traceField.Value.GetString());
    }
}
