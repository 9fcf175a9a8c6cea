using System.Diagnostics;
using System.Globalization;
using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Hosting.Testing;

namespace PaymentPlatform.Platform.Tests;

/// <summary>
/// A platform of its own, with one failpoint armed through test configuration. Each fault gets
/// its own AppHost, so exactly one request can reach the armed failpoint, and the test can
/// prove that it was its own request that crashed a process.
/// </summary>
public abstract class FaultFixture : IAsyncLifetime
{
    private IDistributedApplicationTestingBuilder? _builder;

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>Where the services record failpoint hits (<c>{name}.hits</c>); deleted on dispose.</summary>
    public string FailpointDirectory { get; } = Directory.CreateTempSubdirectory("paymentplatform-failpoints-").FullName;

    public TimeSpan StartupTime { get; private set; }

    protected abstract void Arm(IDistributedApplicationTestingBuilder builder);

    public async Task InitializeAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        _builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.PaymentPlatform_AppHost>();
        Arm(_builder);
        App = await _builder.BuildAsync();
        await App.StartAndWaitForHealthyAsync(PlatformFixture.StartTimeout);
        StartupTime = stopwatch.Elapsed;
    }

    /// <summary>When each hit of the failpoint happened, from the line the service appended before acting on it.</summary>
    public IReadOnlyList<DateTimeOffset> Hits(string failpoint)
    {
        var path = Path.Combine(FailpointDirectory, failpoint + ".hits");
        return File.Exists(path)
            ? File.ReadAllLines(path).Where(l => l.Length > 0)
                .Select(l => DateTimeOffset.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)).ToList()
            : [];
    }

    public async Task DisposeAsync()
    {
        if (_builder is not null)
        {
            await _builder.DisposeAsync();
        }
        Directory.Delete(FailpointDirectory, recursive: true);
    }

    protected IResourceBuilder<ProjectResource> WithFailpoint(IDistributedApplicationTestingBuilder builder, string resource, string failpoint) =>
        builder.CreateResourceBuilder<ProjectResource>(resource)
            .WithEnvironment("Failpoints__Directory", FailpointDirectory)
            .WithEnvironment($"Failpoints__Points__{failpoint}", "crash-once");
}

/// <summary>Two ledger replicas; the first hold committed kills its replica before it answers.</summary>
public sealed class LedgerCrashFixture : FaultFixture
{
    public const string Failpoint = "LedgerHoldAfterCommit";

    protected override void Arm(IDistributedApplicationTestingBuilder builder) =>
        WithFailpoint(builder, "ledger", Failpoint).WithReplicas(2);
}

/// <summary>The first relay batch XADDed kills its gateway replica before the rows are marked relayed.</summary>
public sealed class RelayCrashFixture : FaultFixture
{
    public const string Failpoint = "GatewayRelayAfterXadd";

    protected override void Arm(IDistributedApplicationTestingBuilder builder) =>
        WithFailpoint(builder, "gateway", Failpoint);
}

/// <summary>Fault tests kill processes; their collection runs alone (parallelization is off for the assembly).</summary>
[CollectionDefinition(Name)]
public sealed class FaultCollection
{
    public const string Name = "Faults";
}
