using System.Globalization;

namespace PaymentPlatform.Hosting.ApplicationModel;

/// <summary>An endpoint a resource listens on, and where it was allocated in run mode.</summary>
public sealed class EndpointAnnotation(string name, string uriScheme, int targetPort) : IResourceAnnotation
{
    /// <summary>The endpoint's name (<c>http</c>, <c>tcp</c>), used in variable names and manifest bindings.</summary>
    public string Name { get; } = name;

    /// <summary>The URI scheme clients use.</summary>
    public string UriScheme { get; } = uriScheme;

    /// <summary>The port inside a container when deployed (8080 for projects, 5432 for PostgreSQL).</summary>
    public int TargetPort { get; } = targetPort;

    /// <summary>Whether the endpoint is reachable from outside the app (a front door in run mode, ingress when deployed).</summary>
    public bool IsExternal { get; set; }

    /// <summary>Run mode: one address per replica, kept for the host's lifetime.</summary>
    public IReadOnlyList<AllocatedEndpoint> Replicas { get; internal set; } = [];

    /// <summary>Run mode: the stable address that balances over healthy replicas, when external.</summary>
    public AllocatedEndpoint? FrontDoor { get; internal set; }

    /// <summary>The address clients are given when they want one: the front door, else the first replica.</summary>
    public AllocatedEndpoint? Primary => FrontDoor ?? (Replicas.Count > 0 ? Replicas[0] : null);
}

/// <summary>An address allocated on the loopback interface.</summary>
public sealed record AllocatedEndpoint(string UriScheme, string Host, int Port)
{
    /// <summary>The endpoint's URL, e.g. <c>http://127.0.0.1:5123</c>.</summary>
    public string Url => $"{UriScheme}://{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <inheritdoc />
    public override string ToString() => Url;
}

/// <summary>Which part of an endpoint a value refers to.</summary>
public enum EndpointProperty
{
    Url,
    Host,
    Port,
    TargetPort,
}

/// <summary>A reference to a resource's named endpoint, resolved at run time or written as a manifest binding.</summary>
public sealed class EndpointReference(IResourceWithEndpoints resource, string endpointName) : IValueProvider, IManifestExpressionProvider
{
    /// <summary>The resource that owns the endpoint.</summary>
    public IResourceWithEndpoints Resource { get; } = resource;

    /// <summary>The endpoint's name.</summary>
    public string EndpointName { get; } = endpointName;

    /// <summary>The endpoint's annotation.</summary>
    public EndpointAnnotation Annotation =>
        Resource.Annotations.OfType<EndpointAnnotation>().SingleOrDefault(e => e.Name == EndpointName)
        ?? throw new InvalidOperationException($"Resource '{Resource.Name}' has no endpoint named '{EndpointName}'.");

    /// <summary>A part of this endpoint (host, port, URL).</summary>
    public EndpointReferenceExpression Property(EndpointProperty property) => new(this, property);

    /// <inheritdoc />
    public string ValueExpression => Property(EndpointProperty.Url).ValueExpression;

    /// <inheritdoc />
    public ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default) =>
        Property(EndpointProperty.Url).GetValueAsync(cancellationToken);
}

/// <summary>One property of an endpoint, as a value.</summary>
public sealed class EndpointReferenceExpression(EndpointReference endpoint, EndpointProperty property) : IValueProvider, IManifestExpressionProvider
{
    /// <summary>The endpoint.</summary>
    public EndpointReference Endpoint { get; } = endpoint;

    /// <summary>The property.</summary>
    public EndpointProperty Property { get; } = property;

    /// <inheritdoc />
    public string ValueExpression =>
        $"{{{Endpoint.Resource.Name}.bindings.{Endpoint.EndpointName}.{Property.ToString().ToLowerInvariant()}}}";

    /// <inheritdoc />
    public ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default)
    {
        var annotation = Endpoint.Annotation;
        var allocated = annotation.Primary ?? throw new InvalidOperationException(
            $"Endpoint '{Endpoint.EndpointName}' of resource '{Endpoint.Resource.Name}' has not been allocated yet; values are known only once the app runs.");
        var value = Property switch
        {
            EndpointProperty.Url => allocated.Url,
            EndpointProperty.Host => allocated.Host,
            EndpointProperty.Port => allocated.Port.ToString(CultureInfo.InvariantCulture),
            EndpointProperty.TargetPort => annotation.TargetPort.ToString(CultureInfo.InvariantCulture),
            _ => throw new ArgumentOutOfRangeException(nameof(Property)),
        };
        return ValueTask.FromResult<string?>(value);
    }
}
