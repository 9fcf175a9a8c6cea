using Microsoft.Extensions.Configuration;
using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Hosting.Publishing.AzureContainerApps;
using PaymentPlatform.Hosting.Publishing.Kubernetes;
using PaymentPlatform.Hosting.Publishing.Manifest;

namespace PaymentPlatform.Hosting.Publishing;

/// <summary>Writes one target's deployment artifacts from the app model; starts nothing.</summary>
internal interface IDistributedApplicationPublisher
{
    /// <summary>Writes the artifacts and returns the paths written. Throws <see cref="DistributedApplicationException"/> for a graph the target cannot express.</summary>
    Task<IReadOnlyList<string>> PublishAsync(PublishingContext context, CancellationToken cancellationToken);
}

/// <summary>What a publisher works from.</summary>
internal sealed class PublishingContext(PublishingModel model, string outputPath)
{
    /// <summary>The app's resources, with their environment as manifest expressions.</summary>
    public PublishingModel Model { get; } = model;

    /// <summary>The full path given with <c>--output-path</c>.</summary>
    public string OutputPath { get; } = outputPath;
}

/// <summary>Chooses the publisher named by <c>--publisher</c> and runs it.</summary>
internal static class DistributedApplicationPublishing
{
    /// <summary>The publishers, by the names <c>--publisher</c> accepts.</summary>
    private static readonly Dictionary<string, Func<IDistributedApplicationPublisher>> Publishers = new(StringComparer.Ordinal)
    {
        ["manifest"] = () => new ManifestPublisher(),
        ["kubernetes"] = () => new KubernetesPublisher(),
        ["azure-container-apps"] = () => new AzureContainerAppsPublisher(),
        // The issue and Aspire's own documentation call it "aca".
        ["aca"] = () => new AzureContainerAppsPublisher(),
    };

    public static async Task<IReadOnlyList<string>> PublishAsync(
        DistributedApplicationModel model,
        DistributedApplicationExecutionContext executionContext,
        IConfiguration configuration,
        string applicationName,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(executionContext);
        ArgumentNullException.ThrowIfNull(configuration);
        var name = executionContext.PublisherName ?? "";
        if (!Publishers.TryGetValue(name, out var create))
        {
            throw new DistributedApplicationException(
                $"There is no publisher named '{name}'. Use --publisher with one of: {string.Join(", ", Publishers.Keys)}.");
        }
        var outputPath = configuration["output-path"];
        if (string.IsNullOrWhiteSpace(outputPath))
        {
            var example = name == "manifest" ? "./aspire-manifest.json" : $"./deploy/{name}";
            throw new DistributedApplicationException(
                $"Publisher '{name}' needs to know where to write: add --output-path (for example --output-path {example}).");
        }
        var publishingModel = await PublishingModel.CreateAsync(model, executionContext, configuration, applicationName).ConfigureAwait(false);
        var context = new PublishingContext(publishingModel, Path.GetFullPath(outputPath));
        return await create().PublishAsync(context, cancellationToken).ConfigureAwait(false);
    }
}
