using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.Dashboard.Api;
using PaymentPlatform.Hosting.Orchestration;

namespace PaymentPlatform.Dashboard.Tests;

/// <summary>
/// The host's view of its resources through the API, and lifecycle commands that change it.
/// Tests in this collection run one after another; each starts from a healthy app.
/// </summary>
[Collection(HostedDashboardCollection.Name)]
public class ResourcesApiTests(HostedDashboardFixture fixture)
{
    private async Task<CommandResultDto> CommandAsync(string command, int? replica = null)
    {
        using var response = await fixture.Api.PostAsync($"/api/telemetry/resources/echo/commands/{command}{(replica is null ? "" : $"?replica={replica}")}", null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{command} answered {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<CommandResultDto>(body, TestDashboard.Json)!;
    }

    [Fact]
    public async Task ResourcesShowTheHostsViewOfEveryReplica()
    {
        await fixture.WaitForHealthyAsync("echo");

        var resources = await fixture.Api.GetFromJsonAsync<List<ResourceDto>>("/api/telemetry/resources", TestDashboard.Json);

        var echo = Assert.Single(resources!);
        Assert.Equal(("echo", "Project", "Running", "Healthy"), (echo.Name, echo.Type, echo.State, echo.Health));
        Assert.Equal(["echo-0", "echo-1"], echo.Replicas.Select(r => r.Name));
        Assert.All(echo.Replicas, r =>
        {
            Assert.NotNull(r.ProcessId);
            Assert.StartsWith("http://127.0.0.1:", r.Url, StringComparison.Ordinal);
            Assert.True(r.UptimeSeconds >= 0);
        });
        var http = Assert.Single(echo.Endpoints);
        Assert.True(http.IsExternal);
        Assert.Equal(fixture.App.GetEndpoint("echo").ToString().TrimEnd('/'), http.Url);
        Assert.Equal(echo.Replicas.Select(r => r.Url), http.ReplicaUrls);
    }

    [Fact]
    public async Task AResourcesEnvironmentIsShownWithSecretsWithheld()
    {
        var echo = await fixture.ResourceAsync("echo");

        var environment = echo.Environment!.ToDictionary(e => e.Name);
        Assert.Equal(("hello", false), (environment["ECHO_GREETING"].Value, environment["ECHO_GREETING"].IsSecret));
        Assert.Equal((null, true, "{echo-secret.value}"), (environment["ECHO_SECRET"].Value, environment["ECHO_SECRET"].IsSecret, environment["ECHO_SECRET"].Expression));
    }

    [Fact]
    public async Task ProjectsAreToldToExportToTheDashboardWithItsKey()
    {
        var echo = await fixture.WaitForHealthyAsync("echo");
        using var client = new HttpClient();

        var variables = await client.GetFromJsonAsync<Dictionary<string, string?>>(
            $"{echo.Replicas[0].Url}/env?names=OTEL_EXPORTER_OTLP_ENDPOINT,OTEL_EXPORTER_OTLP_HEADERS,OTEL_EXPORTER_OTLP_PROTOCOL");

        var dashboard = fixture.App.Dashboard!;
        Assert.Equal(dashboard.OtlpEndpoint.ToString().TrimEnd('/'), variables!["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal($"x-otlp-api-key={dashboard.OtlpApiKey}", variables["OTEL_EXPORTER_OTLP_HEADERS"]);
        Assert.Equal("http/protobuf", variables["OTEL_EXPORTER_OTLP_PROTOCOL"]);
    }

    [Fact]
    public async Task StopAndStartThroughTheApiChangeTheResourcesState()
    {
        await fixture.WaitForHealthyAsync("echo");

        var stopped = await CommandAsync("stop");
        Assert.All(stopped.Snapshot.Replicas, r => Assert.Null(r.ProcessId));
        Assert.NotEqual(KnownResourceStates.Running, stopped.Snapshot.State);
        var state = (await fixture.ResourceAsync("echo")).State;
        Assert.True(state is "Exited" or "Finished", $"a stopped resource should be Exited or Finished, not {state}");

        await CommandAsync("start");
        await fixture.WaitForHealthyAsync("echo");
    }

    [Fact]
    public async Task KillingAReplicaThroughTheApiRestartsItWithTheRestartAndExitCodeShown()
    {
        var before = await fixture.WaitForHealthyAsync("echo");
        var killed = before.Replicas[1];

        await CommandAsync("kill", replica: 1);

        var after = await fixture.WaitForResourceAsync("echo",
            r => r.IsHealthy && r.Replicas[1].Restarts == killed.Restarts + 1 && r.Replicas[1].ProcessId != killed.ProcessId,
            "healthy again with echo-1 restarted under a new pid");
        Assert.Contains(after.Replicas[1].LastExitCode, new int?[] { 137, -9 });
        Assert.Equal(before.Replicas[0].ProcessId, after.Replicas[0].ProcessId);
        Assert.Equal(after.Replicas.Sum(r => r.Restarts), after.Restarts);
    }

    [Fact]
    public async Task RestartingOneReplicaGivesItANewProcessAndLeavesTheOtherAlone()
    {
        var before = await fixture.WaitForHealthyAsync("echo");

        await CommandAsync("restart", replica: 0);

        var after = await fixture.WaitForResourceAsync("echo",
            r => r.IsHealthy && r.Replicas[0].ProcessId is not null && r.Replicas[0].ProcessId != before.Replicas[0].ProcessId,
            "healthy with echo-0 under a new pid");
        Assert.Equal(before.Replicas[1].ProcessId, after.Replicas[1].ProcessId);
    }

    [Fact]
    public async Task PauseAndResumeThroughTheApiChangeTheReplicasState()
    {
        await fixture.WaitForHealthyAsync("echo");

        var paused = await CommandAsync("pause", replica: 1);
        Assert.Equal("Paused", paused.Snapshot.Replicas[1].State);

        await CommandAsync("resume", replica: 1);
        await fixture.WaitForResourceAsync("echo", r => r.Replicas[1].State == "Running", "echo-1 running again");
        await fixture.WaitForHealthyAsync("echo");
    }

    [Theory]
    [InlineData("/api/telemetry/resources/nope/commands/stop", HttpStatusCode.NotFound, "resource_not_found")]
    [InlineData("/api/telemetry/resources/echo/commands/explode", HttpStatusCode.BadRequest, "unknown_command")]
    [InlineData("/api/telemetry/resources/echo/commands/kill?replica=7", HttpStatusCode.Conflict, "command_not_applicable")]
    public async Task ACommandThatCannotRunIsAnsweredWithAProblem(string path, HttpStatusCode status, string code)
    {
        using var response = await fixture.Api.PostAsync(path, null);

        Assert.Equal(status, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(code, problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task ConsoleOutputIsAvailablePerReplica()
    {
        await fixture.WaitForHealthyAsync("echo");

        var lines = await fixture.Api.GetFromJsonAsync<List<ConsoleLineDto>>("/api/telemetry/resources/echo/console?replica=1", TestDashboard.Json);

        Assert.NotEmpty(lines!);
        Assert.All(lines!, l => Assert.Equal("echo-1", l.Source));
        Assert.Contains(lines!, l => l.Text.Contains("Now listening on", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheConsoleStreamSendsNewLinesAsServerSentEvents()
    {
        await fixture.WaitForHealthyAsync("echo");
        using var cts = new CancellationTokenSource(HostedDashboardFixture.Timeout);
        using var response = await fixture.Api.GetAsync("/api/telemetry/resources/echo/console/stream?replica=0", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));

        await CommandAsync("restart", replica: 0);

        string? line;
        var seen = new List<string>();
        while ((line = await reader.ReadLineAsync(cts.Token)) is not null)
        {
            seen.Add(line);
            if (line.StartsWith("data: ", StringComparison.Ordinal) && line.Contains("Now listening on", StringComparison.Ordinal))
            {
                var data = JsonSerializer.Deserialize<ConsoleLineDto>(line["data: ".Length..], TestDashboard.Json)!;
                Assert.Equal("echo-0", data.Source);
                Assert.Contains("event: console", seen);
                break;
            }
        }
        Assert.NotNull(line);
        await fixture.WaitForHealthyAsync("echo");
    }
}
