using System.Text.Json.Nodes;
using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Publishing.Tests.Infrastructure;

namespace PaymentPlatform.Publishing.Tests;

/// <summary>Small graphs, published in-process, for the cases the platform's own graph does not have.</summary>
public sealed class SampleGraphPublishingTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("pp-sample-").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    private static IDistributedApplicationBuilder ApiWithComposedSecret(string publisher, string output)
    {
        var builder = SampleGraphs.CreateBuilder(publisher, output, "--Parameters:region=eu-west");
        var apiKey = builder.AddParameter("api-key", secret: true);
        var region = builder.AddParameter("region");
        builder.AddProject<SampleGraphs.SampleProject>("api")
            // A secret only ever used inside a composed value, next to text that looks like an expansion.
            .WithEnvironment("Upstream__Url", ReferenceExpression.Create($"https://user:{apiKey.Resource}@upstream.example/$(not-a-variable)"))
            .WithEnvironment("Payments__Region", region);
        return builder;
    }

    [Fact]
    public async Task KubernetesComposesASecretIntoAValueThroughAVariableThatReadsTheSecret()
    {
        await SampleGraphs.PublishAsync(ApiWithComposedSecret("kubernetes", _output));

        var deployment = Yaml.ReadDocument(await File.ReadAllTextAsync(Path.Combine(_output, "api", "deployment.yaml")));
        var container = deployment.Container();
        Assert.Equal("secret:api-key", container.Env("SECRET_API_KEY"));
        // "$$(" keeps Kubernetes from expanding text that only looks like a variable.
        Assert.Equal("https://user:$(SECRET_API_KEY)@upstream.example/$$(not-a-variable)", container.Env("Upstream__Url"));
        var names = container["env"].Objects().Select(e => (string)e["name"]!).ToList();
        Assert.True(names.IndexOf("SECRET_API_KEY") < names.IndexOf("Upstream__Url"), "A variable must be defined before a value that expands it.");
        var config = Yaml.ReadDocument(await File.ReadAllTextAsync(Path.Combine(_output, "api", "configmap.yaml")));
        Assert.Equal("eu-west", (string?)config["data"]!["Payments__Region"]);
    }

    [Fact]
    public async Task ContainerAppsTurnsAValueThatEmbedsASecretIntoASecretOfItsOwn()
    {
        await SampleGraphs.PublishAsync(ApiWithComposedSecret("azure-container-apps", _output));

        var app = await File.ReadAllTextAsync(Path.Combine(_output, "apps", "api.bicep"));
        Assert.Contains("name: 'env-upstream--url'\n          value: 'https://user:${apiKey}@upstream.example/$(not-a-variable)'", app, StringComparison.Ordinal);
        Assert.Contains("name: 'Upstream__Url'\n              secretRef: 'env-upstream--url'", app, StringComparison.Ordinal);
        Assert.Contains("name: 'Payments__Region'\n              value: 'eu-west'", app, StringComparison.Ordinal);
        var file = BicepFile.Read(Path.Combine(_output, "apps", "api.bicep"));
        Assert.True(file.Parameters["apiKey"].Secure);
    }

    [Fact]
    public async Task TheManifestKeepsTheExpressionAndNeedsNoValueForAPlainParameter()
    {
        var manifest = Path.Combine(_output, "aspire-manifest.json");
        var builder = SampleGraphs.CreateBuilder("manifest", manifest);
        var region = builder.AddParameter("region");
        var apiKey = builder.AddParameter("api-key", secret: true);
        builder.AddProject<SampleGraphs.SampleProject>("api")
            .WithEnvironment("Upstream__Url", ReferenceExpression.Create($"https://user:{apiKey.Resource}@upstream.example"))
            .WithEnvironment("Payments__Region", region);

        await SampleGraphs.PublishAsync(builder);

        var json = JsonNode.Parse(await File.ReadAllTextAsync(manifest))!["resources"]!;
        Assert.Equal("https://user:{api-key.value}@upstream.example", (string?)json["api"]!["env"]!["Upstream__Url"]);
        Assert.Equal("{region.value}", (string?)json["api"]!["env"]!["Payments__Region"]);
        Assert.Null(json["region"]!["inputs"]!["value"]!["secret"]);
        Assert.Null(json["region"]!["inputs"]!["value"]!["default"]);
        var validation = await Tools.ValidateManifestAsync(manifest);
        Assert.True(validation.ExitCode == 0, validation.Describe());
    }

    [Fact]
    public async Task PublishingAgainRemovesTheFilesOfAResourceThatLeftTheGraphAndKeepsOtherFiles()
    {
        var first = SampleGraphs.CreateBuilder("kubernetes", _output);
        first.AddProject<SampleGraphs.SampleProject>("api");
        first.AddProject<SampleGraphs.SampleProject>("worker");
        await SampleGraphs.PublishAsync(first);
        var notes = Path.Combine(_output, "notes.txt");
        await File.WriteAllTextAsync(notes, "our own notes");
        Assert.True(File.Exists(Path.Combine(_output, "worker", "deployment.yaml")));

        var second = SampleGraphs.CreateBuilder("kubernetes", _output);
        second.AddProject<SampleGraphs.SampleProject>("api");
        await SampleGraphs.PublishAsync(second);

        Assert.False(File.Exists(Path.Combine(_output, "worker", "deployment.yaml")));
        Assert.True(File.Exists(Path.Combine(_output, "api", "deployment.yaml")));
        Assert.Equal("our own notes", await File.ReadAllTextAsync(notes));
        var built = await Tools.KustomizeAsync(_output);
        Assert.True(built.ExitCode == 0, built.Describe());
        Assert.DoesNotContain("worker", built.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishingAgainKeepsASecretTheUserFilledIn()
    {
        IDistributedApplicationBuilder Graph()
        {
            var builder = SampleGraphs.CreateBuilder("kubernetes", _output);
            var apiKey = builder.AddParameter("api-key", secret: true);
            builder.AddProject<SampleGraphs.SampleProject>("api").WithEnvironment("ApiKey", apiKey);
            return builder;
        }
        await SampleGraphs.PublishAsync(Graph());
        var secret = Path.Combine(_output, "secrets", "api-key.yaml");
        Assert.Equal("", (string?)Yaml.ReadDocument(await File.ReadAllTextAsync(secret))["stringData"]!["value"]);
        // What `kubectl create secret generic ... --dry-run=client -o yaml` writes, as the README says.
        const string filled = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: api-key\nstringData:\n  value: filled-by-the-operator\n";
        await File.WriteAllTextAsync(secret, filled);

        await SampleGraphs.PublishAsync(Graph());

        Assert.Equal(filled, await File.ReadAllTextAsync(secret));
        var built = await Tools.KustomizeAsync(_output);
        Assert.True(built.ExitCode == 0, built.Describe());
        Assert.Contains("filled-by-the-operator", built.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProjectWithOneReplicaGetsNoAutoscalerOrDisruptionBudget()
    {
        var builder = SampleGraphs.CreateBuilder("kubernetes", _output);
        builder.AddProject<SampleGraphs.SampleProject>("api").WithExternalHttpEndpoints();
        await SampleGraphs.PublishAsync(builder);

        var files = Tools.ReadTree(_output).Keys;
        Assert.Contains("api/ingress.yaml", files);
        Assert.DoesNotContain("api/horizontalpodautoscaler.yaml", files);
        Assert.DoesNotContain("api/poddisruptionbudget.yaml", files);
        var deployment = Yaml.ReadDocument(await File.ReadAllTextAsync(Path.Combine(_output, "api", "deployment.yaml")));
        Assert.Equal("1", (string?)deployment["spec"]!["replicas"]);
    }
}
