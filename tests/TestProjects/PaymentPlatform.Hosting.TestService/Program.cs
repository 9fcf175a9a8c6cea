using Npgsql;

var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();

var startedAt = DateTimeOffset.UtcNow;

// POST /sick makes /health fail while the process keeps answering everything else (a probe that times out on a starved machine).
var sick = false;
app.MapGet("/health", () => sick ? Results.StatusCode(503) : Results.Ok("Healthy"));
app.MapPost("/sick", (bool on) => sick = on);

// What the host handed this process: the variables asked for, by name.
app.MapGet("/env", (string names) => names.Split(',').ToDictionary(n => n, Environment.GetEnvironmentVariable));

app.MapGet("/whoami", () => new { pid = Environment.ProcessId, startedAt });

// Proves the connection string works as the role it names.
app.MapGet("/db", async (CancellationToken ct) =>
{
    await using var connection = new NpgsqlConnection(builder.Configuration.GetConnectionString("appdb"));
    await connection.OpenAsync(ct);
    await using var command = new NpgsqlCommand("SELECT current_user || '@' || current_database()", connection);
    return Results.Ok(await command.ExecuteScalarAsync(ct));
});

// Holds a request open, so tests can see in-flight work finish during a graceful stop.
app.MapGet("/slow", async (int ms) =>
{
    await Task.Delay(ms);
    return Results.Ok("done");
});

app.Run();
