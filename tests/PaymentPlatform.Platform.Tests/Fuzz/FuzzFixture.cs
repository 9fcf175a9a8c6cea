using System.Diagnostics;
using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.Testing;

namespace PaymentPlatform.Platform.Tests.Fuzz;

/// <summary>
/// A platform of its own for the fuzz suite: tens of thousands of requests and the merchants, keys and
/// payments they create stay out of the other collections' data and timing.
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
