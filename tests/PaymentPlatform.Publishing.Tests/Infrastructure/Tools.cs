using System.Text;

namespace PaymentPlatform.Publishing.Tests.Infrastructure;

/// <summary>
/// The offline validators the tests drive: ajv and kubernetes-models (npm, in eng/validators),
/// and kubectl's built-in kustomize. A missing tool fails the test with the command that installs it.
/// </summary>
internal static class Tools
{
    /// <summary>Installs the npm validators at the versions package-lock.json pins.</summary>
    public const string ValidatorsInstallCommand = "npm ci --prefix eng/validators";

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string ValidatorsDirectory => Path.Combine(RepositoryRoot, "eng", "validators");

    /// <summary>The aspire-8.0 schema, from the tests' own data (never ../shared).</summary>
    public static string AspireSchema => Path.Combine(AppContext.BaseDirectory, "TestData", "aspire-8.0.json");

    public static async Task<ProcessResult> ValidateManifestAsync(string manifest)
    {
        var node = RequireNodeValidators();
        return await ProcessRunner.RunAsync(node, [Path.Combine(ValidatorsDirectory, "validate-manifest.mjs"), "--schema", AspireSchema, manifest]);
    }

    public static async Task<ProcessResult> ValidateKubernetesAsync(string yaml)
    {
        var node = RequireNodeValidators();
        return await ProcessRunner.RunAsync(node, [Path.Combine(ValidatorsDirectory, "validate-kubernetes.mjs"), "-"], standardInput: yaml);
    }

    /// <summary><c>kubectl kustomize DIR</c>: builds the kustomization offline, no cluster needed.</summary>
    public static async Task<ProcessResult> KustomizeAsync(string directory)
    {
        var kubectl = ProcessRunner.FindOnPath("kubectl") ?? throw MissingTool(
            "kubectl (its built-in kustomize builds the Kubernetes output offline) is not on PATH. " +
            "Install the kubectl client: https://kubernetes.io/docs/tasks/tools/ (apt-get install kubectl from the Kubernetes apt repository).");
        return await ProcessRunner.RunAsync(kubectl, ["kustomize", directory]);
    }

    private static string RequireNodeValidators()
    {
        var node = ProcessRunner.FindOnPath("node") ?? throw MissingTool(
            $"Node.js (20 or later) is not on PATH; the artifact validators run on it. Install it (apt-get install nodejs npm), then run: {ValidatorsInstallCommand}");
        var missing = new[] { "ajv", "kubernetes-models", "yaml" }
            .Where(package => !File.Exists(Path.Combine(ValidatorsDirectory, "node_modules", package, "package.json")))
            .ToList();
        if (missing.Count > 0)
        {
            throw MissingTool(
                $"The npm validators are not installed ({string.Join(", ", missing)} missing under eng/validators/node_modules). " +
                $"Install them, from the repository root, with: {ValidatorsInstallCommand}");
        }
        return node;
    }

    private static Exception MissingTool(string message) => new Xunit.Sdk.XunitException(message);

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "eng", "validators", "package.json")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No repository root (a folder with eng/validators/package.json) above {AppContext.BaseDirectory}.");
    }

    /// <summary>Every file under a folder, as text, by path relative to it.</summary>
    public static SortedDictionary<string, string> ReadTree(string root)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (File.Exists(root))
        {
            files[Path.GetFileName(root)] = File.ReadAllText(root, Encoding.UTF8);
            return files;
        }
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            files[Path.GetRelativePath(root, file).Replace('\\', '/')] = File.ReadAllText(file, Encoding.UTF8);
        }
        return files;
    }
}
