using System.Text.Json.Nodes;
using PaymentPlatform.Publishing.Tests.Infrastructure;

namespace PaymentPlatform.Publishing.Tests;

/// <summary>
/// The services' SDK container configuration (<c>dotnet publish -t:PublishContainer</c>), read
/// with <c>dotnet msbuild -getProperty</c>: building the images needs a registry these machines
/// cannot reach, so CI checks the configuration and never builds.
/// </summary>
[Collection(PublishedPlatformCollection.Name)]
public sealed class ContainerImageTests(PublishedPlatform platform)
{
    [Fact]
    public async Task EveryServiceBuildsTheChiseledNonRootImageTheDeploymentsRun()
    {
        var objects = await platform.KubernetesObjectsAsync();
        var folder = Path.GetDirectoryName(platform.OutputPath(PublishedPlatform.Manifest))!;
        var projects = platform.ManifestJson["resources"]!.AsObject()
            .Where(r => (string?)r.Value!["type"] == "project.v0")
            .Select(r => (Name: r.Key, Path: Path.GetFullPath(Path.Combine(folder, (string)r.Value!["path"]!))))
            .ToList();
        Assert.Equal(5, projects.Count);

        // Two at a time: the machine has two cores.
        using var gate = new SemaphoreSlim(2);
        var configurations = await Task.WhenAll(projects.Select(async project =>
        {
            await gate.WaitAsync();
            try
            {
                return (project.Name, Config: await ContainerConfigurationAsync(project.Path));
            }
            finally
            {
                gate.Release();
            }
        }));

        Assert.All(configurations, c =>
        {
            var properties = c.Config["Properties"]!;
            var deployed = (string)objects.Single("Deployment", c.Name).Container()["image"]!;
            Assert.Equal("true", (string?)properties["EnableSdkContainerSupport"]);
            Assert.Equal(deployed.Split(':')[0], (string?)properties["ContainerRepository"]);
            Assert.Equal(deployed.Split(':')[1], (string?)properties["ContainerImageTag"]);
            Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled", (string?)properties["ContainerBaseImage"]);
            // The uid the Deployments' runAsUser names.
            Assert.Equal("1654", (string?)properties["ContainerUser"]);
            var port = Assert.Single(c.Config["Items"]!["ContainerPort"]!.AsArray())!;
            Assert.Equal("8080", (string?)port["Identity"]);
            Assert.Equal("tcp", (string?)port["Type"]);
        });
    }

    private static async Task<JsonObject> ContainerConfigurationAsync(string project)
    {
        // ComputeContainerConfig resolves the base image and repository the way PublishContainer would, offline.
        var result = await ProcessRunner.RunAsync("dotnet",
        [
            "msbuild", project, "-nologo", "-nodeReuse:false", "-t:ComputeContainerConfig",
            "-getProperty:EnableSdkContainerSupport", "-getProperty:ContainerRepository", "-getProperty:ContainerImageTag",
            "-getProperty:ContainerBaseImage", "-getProperty:ContainerUser", "-getItem:ContainerPort",
        ], timeout: TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, result.Describe());
        return JsonNode.Parse(result.StandardOutput)!.AsObject();
    }
}
