using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Publishing.Tests.Infrastructure;

namespace PaymentPlatform.Publishing.Tests;

/// <summary>A graph or a command line a publisher cannot serve is refused, saying why and what to do.</summary>
public sealed class PublishingRefusalTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("pp-refuse-").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    private static Task<ProcessResult> RunAppHostAsync(params string[] arguments) =>
        ProcessRunner.RunAsync("dotnet", [new Projects.PaymentPlatform_AppHost().AssemblyPath, .. arguments], timeout: TimeSpan.FromMinutes(1));

    [Fact]
    public async Task AnUnknownPublisherIsRefusedWithTheNamesOfTheKnownOnes()
    {
        var result = await RunAppHostAsync("--publisher", "helm", "--output-path", Path.Combine(_output, "helm"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("There is no publisher named 'helm'", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("manifest, kubernetes, azure-container-apps", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal); // a message, not a stack trace
        Assert.False(Directory.Exists(Path.Combine(_output, "helm")));
    }

    [Fact]
    public async Task PublishingWithoutAnOutputPathSaysWhichArgumentIsMissing()
    {
        var result = await RunAppHostAsync("--publisher", "kubernetes");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("add --output-path", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("manifest")]
    [InlineData("kubernetes")]
    [InlineData("azure-container-apps")]
    public async Task AResourceThePublisherCannotExpressIsNamed(string publisher)
    {
        var output = Path.Combine(_output, publisher);
        var builder = SampleGraphs.CreateBuilder(publisher, output);
        builder.AddProject<SampleGraphs.SampleProject>("api");
        builder.AddResource(new SampleGraphs.QueueResource("orders-queue"));

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => SampleGraphs.PublishAsync(builder));

        Assert.Contains($"The {publisher} publisher cannot express 'orders-queue' (QueueResource)", error.Message, StringComparison.Ordinal);
        Assert.False(Path.Exists(output), "Nothing may be written for a graph that is refused.");
    }

    [Fact]
    public async Task ContainerAppsRefusesANameLongerThanAContainerAppMayHave()
    {
        var builder = SampleGraphs.CreateBuilder("aca", _output);
        builder.AddProject<SampleGraphs.SampleProject>("merchant-settlement-reconciliation-api");

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => SampleGraphs.PublishAsync(builder));

        Assert.Contains("'merchant-settlement-reconciliation-api' cannot be a container app name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContainerAppsRefusesAProjectWithMoreThanOneEndpoint()
    {
        var builder = SampleGraphs.CreateBuilder("azure-container-apps", _output);
        builder.AddProject<SampleGraphs.SampleProject>("api").Resource.Annotations.Add(new EndpointAnnotation("admin", "http", 9090));

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => SampleGraphs.PublishAsync(builder));

        Assert.Contains("Project 'api' has more than one endpoint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KubernetesNeedsAValueForANonSecretParameterAndSaysHowToGiveIt()
    {
        var builder = SampleGraphs.CreateBuilder("kubernetes", _output);
        var region = builder.AddParameter("region");
        builder.AddProject<SampleGraphs.SampleProject>("api").WithEnvironment("Payments__Region", region);

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => SampleGraphs.PublishAsync(builder));

        Assert.Contains("Parameter 'region' has no value", error.Message, StringComparison.Ordinal);
        Assert.Contains("--Parameters:region=<value>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AResourceNamedLikeTheDatabaseSetupJobIsRefused()
    {
        var builder = SampleGraphs.CreateBuilder("kubernetes", _output);
        builder.AddPostgres("db").AddDatabase("orders");
        builder.AddProject<SampleGraphs.SampleProject>("db-init");

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => SampleGraphs.PublishAsync(builder));

        Assert.Contains("'db-init'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Rename the resource", error.Message, StringComparison.Ordinal);
    }
}
