namespace PaymentPlatform.Hosting.ApplicationModel;

/// <summary>
/// Build-time facts about a .NET project the AppHost references; the classes in the
/// <c>Projects</c> namespace are generated from the AppHost's project references.
/// </summary>
public interface IProjectMetadata
{
    /// <summary>The full path of the .csproj.</summary>
    string ProjectPath { get; }

    /// <summary>The full path of the built assembly the host runs.</summary>
    string AssemblyPath { get; }
}

/// <summary>A .NET project run from its build output, one process per replica.</summary>
public sealed class ProjectResource(string name, IProjectMetadata metadata)
    : Resource(name), IResourceWithEndpoints, IResourceWithEnvironment, IResourceWithWaitSupport
{
    /// <summary>The project's build-time metadata.</summary>
    public IProjectMetadata Metadata { get; } = metadata;

    /// <summary>How many replicas run; 1 unless <c>WithReplicas</c> says otherwise.</summary>
    public int Replicas => Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1;

    /// <summary>The project's <c>http</c> endpoint.</summary>
    public EndpointReference HttpEndpoint => new(this, "http");
}
