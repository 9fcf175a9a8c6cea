using System.Collections.Concurrent;
using PaymentPlatform.Hosting.Orchestration;

namespace PaymentPlatform.Hosting.Tests;

/// <summary>
/// One small app for the run-mode tests: PostgreSQL with two databases, Redis, and a test
/// service with two replicas that waits for both. Started once for the collection.
/// </summary>
public sealed class RunModeFixture : IAsyncLifetime
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly CancellationTokenSource _stopRecording = new();
    private IAsyncEnumerator<ResourceSnapshot>? _watch;
    private Task? _recording;

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>Every snapshot published since before the app started, in order.</summary>
    public ConcurrentQueue<(DateTimeOffset At, ResourceSnapshot Snapshot)> History { get; } = new();

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

    public async Task InitializeAsync()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            ApplicationName = "hosting-tests",
            IsTesting = true,
            EchoResourceLogs = false,
            HealthCheckInterval = TimeSpan.FromMilliseconds(250),
            GracefulShutdownTimeout = TimeSpan.FromSeconds(10),
        });
        var postgres = builder.AddPostgres("postgres");
        var appDb = postgres.AddDatabase("appdb");
        postgres.AddDatabase("otherdb");
        var cache = builder.AddRedis("cache");
        builder.AddProject<Projects.PaymentPlatform_Hosting_TestService>("echo")
            .WithReference(appDb).WithReference(cache)
            .WaitFor(appDb).WaitFor(cache)
            .WithEnvironment("ECHO_GREETING", "hello")
            .WithReplicas(2)
            .WithExternalHttpEndpoints();
        App = builder.Build();

        // Subscribe before starting, so the history shows the order things happened in.
        _watch = App.ResourceNotifications.WatchAsync(_stopRecording.Token).GetAsyncEnumerator();
        var first = _watch.MoveNextAsync();
        _recording = RecordAsync(first);

        await App.StartAsync();
        using var cts = new CancellationTokenSource(Timeout);
        await App.WaitForAllHealthyAsync(cts.Token);
    }

    private async Task RecordAsync(ValueTask<bool> first)
    {
        try
        {
            var hasNext = await first;
            while (hasNext)
            {
                History.Enqueue((DateTimeOffset.UtcNow, _watch!.Current));
                hasNext = await _watch.MoveNextAsync();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public Uri ReplicaUrl(string resource, int replica) =>
        new(App.ResourceNotifications.Get(resource)!.Replicas.Single(r => r.Index == replica).Url!);

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await _stopRecording.CancelAsync();
        if (_recording is not null)
        {
            await _recording;
        }
        if (_watch is not null)
        {
            await _watch.DisposeAsync();
        }
        _stopRecording.Dispose();
        Http.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class RunModeCollection : ICollectionFixture<RunModeFixture>
{
    public const string Name = "Run mode";
}

/// <summary>Waits for a condition, failing with what it waited for.</summary>
public static class Eventually
{
    public static async Task<T> MatchAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, string waitingFor, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? RunModeFixture.Timeout);
        T last = default!;
        Exception? lastError = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await probe();
                if (condition(last))
                {
                    return last;
                }
                lastError = null;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                lastError = ex;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"Timed out waiting for {waitingFor}; last value: {last}{(lastError is null ? "" : $", last error: {lastError.Message}")}");
    }
}
