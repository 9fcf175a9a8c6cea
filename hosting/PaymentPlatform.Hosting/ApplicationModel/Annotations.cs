namespace PaymentPlatform.Hosting.ApplicationModel;

/// <summary>Adds environment variables to a resource when it starts or is published.</summary>
public sealed class EnvironmentCallbackAnnotation(Func<EnvironmentCallbackContext, Task> callback) : IResourceAnnotation
{
    /// <summary>The callback.</summary>
    public Func<EnvironmentCallbackContext, Task> Callback { get; } = callback;
}

/// <summary>What an environment callback writes into.</summary>
public sealed class EnvironmentCallbackContext(DistributedApplicationExecutionContext executionContext, IResource resource)
{
    /// <summary>Run or publish.</summary>
    public DistributedApplicationExecutionContext ExecutionContext { get; } = executionContext;

    /// <summary>The resource whose environment is being built.</summary>
    public IResource Resource { get; } = resource;

    /// <summary>Each value is a string, or an <see cref="IValueProvider"/> that is also an <see cref="IManifestExpressionProvider"/>.</summary>
    public Dictionary<string, object> EnvironmentVariables { get; } = new(StringComparer.Ordinal);
}

/// <summary>The resource must be healthy before this one starts.</summary>
public sealed record WaitAnnotation(IResource Resource) : IResourceAnnotation;

/// <summary>This resource references another (for graphs and manifests).</summary>
public sealed record ResourceReferenceAnnotation(IResource Resource) : IResourceAnnotation;

/// <summary>How many copies of a project run.</summary>
public sealed record ReplicaAnnotation(int Replicas) : IResourceAnnotation;

/// <summary>The resource keeps its data between runs (a volume when deployed).</summary>
public sealed record DataVolumeAnnotation(string VolumeName) : IResourceAnnotation;

/// <summary>The container image that runs this resource when deployed.</summary>
public sealed record ContainerImageAnnotation(string Image, string Tag) : IResourceAnnotation;

/// <summary>Whether the app is being run or published.</summary>
public sealed class DistributedApplicationExecutionContext(DistributedApplicationOperation operation, string? publisherName = null)
{
    /// <summary>Run or publish.</summary>
    public DistributedApplicationOperation Operation { get; } = operation;

    /// <summary>The publisher's name in publish mode (manifest, kubernetes, azure-container-apps).</summary>
    public string? PublisherName { get; } = publisherName;

    /// <summary>True when the app is running locally.</summary>
    public bool IsRunMode => Operation == DistributedApplicationOperation.Run;

    /// <summary>True when the app writes deployment artifacts.</summary>
    public bool IsPublishMode => Operation == DistributedApplicationOperation.Publish;
}

/// <summary>What the host is asked to do.</summary>
public enum DistributedApplicationOperation
{
    Run,
    Publish,
}
