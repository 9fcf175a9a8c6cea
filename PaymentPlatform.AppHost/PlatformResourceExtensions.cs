using PaymentPlatform.Hosting.ApplicationModel;

namespace PaymentPlatform.AppHost;

internal static class PlatformResourceExtensions
{
    /// <summary>
    /// Hands a service the platform's internal token (contracts.md, "Internal calls"): internal
    /// APIs demand it and internal clients attach it. A Kubernetes Secret when deployed.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithInternalToken(this IResourceBuilder<ProjectResource> builder, IResourceBuilder<ParameterResource> token) =>
        builder.WithEnvironment("InternalApi__Token", token);
}
