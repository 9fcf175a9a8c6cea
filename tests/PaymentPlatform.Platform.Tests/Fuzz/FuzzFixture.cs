using System.Diagnostics;
using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Hosting.Testing;

namespace PaymentPlatform.Platform.Tests.Fuzz;

/// <summary>
/// A platform of its own for the fuzz suite: tens of thousands of requests and the merchants, keys and
/// payments they create stay out of the other collections' data and timing.
/// <para>
/// The suite judges input handling, not latency: with 24 requests in flight on a shared 2-core machine, the
/// payment-handle validation's 250 ms budget (and the directory client's 240 ms inside it) runs out for load
/// alone, answering 503 <c>directory_unavailable</c> as designed (SlowDirectoryTests covers that answer) and then
/// opening the directory's circuit breaker. Here the budget is 5 s, so a 5xx from that route means its input did it.
/// </para>
/// </summary>
public sealed class FuzzFixture : IAsyncLifetime
{
    private IDistributedApplicationTestingBuilder? _builder;

    public DistributedApplication App { get; private set; } = null!;

    public TimeSpan StartupTime { get; private set; }

    public async Task InitializeAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        _builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.PaymentPlatform_AppHost>();
        _builder.CreateResourceBuilder<ProjectResource>("gateway")
            .WithEnvironment("Gateway__Handles__Budget", "00:00:05")
            .WithEnvironment("InternalClients__directory__Resilience__AttemptTimeout", "00:00:02")
            .WithEnvironment("InternalClients__directory__Resilience__TotalTimeout", "00:00:04.500");
        App = await _builder.BuildAsync();
        await App.StartAndWaitForHealthyAsync(PlatformFixture.StartTimeout);
        StartupTime = stopwatch.Elapsed;
    }

    public async Task DisposeAsync()
    {
        try
        {
            // Whatever the fuzzer got through must still leave the books balanced.
            if (App is not null)
            {
                using var ledger = await App.CreateInternalClientAsync("ledger");
                using var response = await ledger.GetAsync(new Uri("/v1/reconciliation", UriKind.Relative));
                var body = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode || !System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("balanced").GetBoolean())
                {
                    throw new InvalidOperationException($"The ledger does not reconcile after the fuzz suite: {(int)response.StatusCode} {body}");
                }
            }
        }
        finally
        {
            if (_builder is not null)
            {
                await _builder.DisposeAsync();
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class FuzzCollection : ICollectionFixture<FuzzFixture>
{
    public const string Name = "Fuzz";
}
