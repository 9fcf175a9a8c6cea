using System.Diagnostics;
using System.Text.Json.Nodes;

namespace PaymentPlatform.Publishing.Tests.Infrastructure;

/// <summary>
/// Publishes the platform's own AppHost once per test run with every publisher, twice each into
/// the same folder (to compare the runs byte for byte), with a recognisable value configured for
/// every secret parameter so tests can prove none reaches an artifact.
/// </summary>
public sealed class PublishedPlatform : IAsyncLifetime
{
    public const string Manifest = "manifest";
    public const string Kubernetes = "kubernetes";
    public const string ContainerApps = "azure-container-apps";

    private readonly string _root = Directory.CreateTempSubdirectory("pp-publish-").FullName;

    /// <summary>
    /// The AppHost's data directory during the runs: a folder under a file, which run mode cannot
    /// create, so a publish that strayed into starting the app (or keeping a secret) would fail.
    /// </summary>
    public string DataDirectory => Path.Combine(_root, "not-a-folder", "data");

    /// <summary>A value per secret parameter, configured as <c>Parameters__NAME</c> when publishing.</summary>
    public IReadOnlyDictionary<string, string> SecretCanaries { get; private set; } = new Dictionary<string, string>();

    /// <summary>Where each publisher wrote on its second run (the first run's copy is in <see cref="FirstRunPath"/>).</summary>
    public string OutputPath(string publisher) => publisher == Manifest
        ? Path.Combine(_root, "out", "aspire-manifest.json")
        : Path.Combine(_root, "out", publisher);

    /// <summary>A copy of the first run's output.</summary>
    public string FirstRunPath(string publisher) => Path.Combine(_root, "first", publisher);

    public TimeSpan LongestPublish { get; private set; }

    public JsonObject ManifestJson { get; private set; } = [];

    public string KubernetesDirectory => OutputPath(Kubernetes);

    public string ContainerAppsDirectory => OutputPath(ContainerApps);

    private Lazy<Task<ProcessResult>>? _kustomized;

    /// <summary><c>kubectl kustomize</c> over the Kubernetes output, run once and shared.</summary>
    internal Task<ProcessResult> KustomizeAsync() =>
        (_kustomized ??= new Lazy<Task<ProcessResult>>(() => Tools.KustomizeAsync(KubernetesDirectory))).Value;

    /// <summary>The objects <c>kubectl apply -k</c> would send, as kustomize builds them.</summary>
    public async Task<List<JsonObject>> KubernetesObjectsAsync()
    {
        var built = await KustomizeAsync();
        Assert.True(built.ExitCode == 0, built.Describe());
        return Yaml.ReadDocuments(built.StandardOutput);
    }

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "not-a-folder"), "a file, so nothing can be created beneath it");
        // A first, plain run tells which secrets the graph has; then every run configures a canary for each.
        var probe = Path.Combine(_root, "probe", "aspire-manifest.json");
        await PublishAsync(Manifest, probe);
        var secrets = JsonNode.Parse(await File.ReadAllTextAsync(probe))!["resources"]!.AsObject()
            .Where(r => (string?)r.Value!["type"] == "parameter.v0" && (bool?)r.Value!["inputs"]?["value"]?["secret"] == true)
            .Select(r => r.Key)
            .ToList();
        SecretCanaries = secrets.ToDictionary(name => name, name => $"CANARY{Guid.NewGuid():N}");

        foreach (var publisher in new[] { Manifest, Kubernetes, ContainerApps })
        {
            await PublishAsync(publisher, OutputPath(publisher));
            Copy(OutputPath(publisher), FirstRunPath(publisher));
            await PublishAsync(publisher, OutputPath(publisher));
        }
        ManifestJson = JsonNode.Parse(await File.ReadAllTextAsync(OutputPath(Manifest)))!.AsObject();
    }

    /// <summary>Runs the AppHost as azd would: <c>dotnet AppHost.dll --publisher NAME --output-path PATH</c>.</summary>
    internal async Task<ProcessResult> RunAppHostAsync(params string[] arguments)
    {
        var environment = new Dictionary<string, string>
        {
            ["AppHost__DataDirectory"] = DataDirectory,
        };
        foreach (var (name, value) in SecretCanaries)
        {
            environment[$"Parameters__{name}"] = value;
        }
        return await ProcessRunner.RunAsync("dotnet", [new Projects.PaymentPlatform_AppHost().AssemblyPath, .. arguments],
            workingDirectory: _root, environment: environment, timeout: TimeSpan.FromMinutes(1));
    }

    private async Task PublishAsync(string publisher, string outputPath)
    {
        var stopwatch = Stopwatch.StartNew();
        var result = await RunAppHostAsync("--publisher", publisher, "--output-path", outputPath);
        stopwatch.Stop();
        LongestPublish = stopwatch.Elapsed > LongestPublish ? stopwatch.Elapsed : LongestPublish;
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"Publishing the platform with '{publisher}' failed. {result.Describe()}");
        }
    }

    private static void Copy(string source, string destination)
    {
        if (File.Exists(source))
        {
            Directory.CreateDirectory(destination);
            File.Copy(source, Path.Combine(destination, Path.GetFileName(source)));
            return;
        }
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class PublishedPlatformCollection : ICollectionFixture<PublishedPlatform>
{
    public const string Name = "Published platform";
}
