using System.Globalization;
using PaymentPlatform.Hosting.ApplicationModel;

namespace PaymentPlatform.Hosting;

/// <summary>The Aspire-shaped verbs that connect resources: references, waits, replicas, environment.</summary>
public static class ResourceBuilderExtensions
{
    /// <summary>
    /// Hands a connection string to the resource as <c>ConnectionStrings__{name}</c>, plus its
    /// connection properties as <c>{NAME}_HOST</c>, <c>{NAME}_PORT</c>, <c>{NAME}_PASSWORD</c>, <c>{NAME}_URI</c> and so on.
    /// </summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithConnectionString> source, string? connectionName = null)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        var resource = source.Resource;
        var name = connectionName ?? resource.Name;
        var prefix = ResourceNames.ToEnvironmentPrefix(name);
        builder.Resource.Annotations.Add(new ResourceReferenceAnnotation(resource));
        return builder.WithEnvironment(context =>
        {
            context.EnvironmentVariables[$"ConnectionStrings__{name}"] = resource.ConnectionStringExpression;
            foreach (var (property, value) in resource.GetConnectionProperties())
            {
                context.EnvironmentVariables[$"{prefix}_{property.ToUpperInvariant()}"] = value;
            }
        });
    }

    /// <summary>
    /// Makes a project's endpoints discoverable by this resource: <c>services__{name}__{endpoint}__{i}</c>
    /// for every replica (clients balance across them) and <c>{NAME}_{ENDPOINT}</c> with one URL.
    /// </summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<ProjectResource> source)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        var resource = source.Resource;
        builder.Resource.Annotations.Add(new ResourceReferenceAnnotation(resource));
        return builder.WithEnvironment(context =>
        {
            var prefix = ResourceNames.ToEnvironmentPrefix(resource.Name);
            foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>())
            {
                var reference = new EndpointReference(resource, endpoint.Name);
                var key = $"services__{resource.Name}__{endpoint.Name}";
                if (context.ExecutionContext.IsPublishMode)
                {
                    context.EnvironmentVariables[$"{key}__0"] = reference;
                }
                else
                {
                    for (var i = 0; i < endpoint.Replicas.Count; i++)
                    {
                        context.EnvironmentVariables[$"{key}__{i.ToString(CultureInfo.InvariantCulture)}"] = endpoint.Replicas[i].Url;
                    }
                }
                context.EnvironmentVariables[$"{prefix}_{endpoint.Name.ToUpperInvariant()}"] = reference;
            }
        });
    }

    /// <summary>The resource starts only once <paramref name="dependency"/> is healthy.</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency)
        where T : IResourceWithWaitSupport
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dependency);
        if (ReferenceEquals(builder.Resource, dependency.Resource))
        {
            throw new InvalidOperationException($"Resource '{builder.Resource.Name}' cannot wait for itself.");
        }
        builder.Resource.Annotations.Add(new WaitAnnotation(dependency.Resource));
        return builder;
    }

    /// <summary>Runs <paramref name="replicas"/> copies of the project, each on its own port.</summary>
    public static IResourceBuilder<ProjectResource> WithReplicas(this IResourceBuilder<ProjectResource> builder, int replicas)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        builder.Resource.Annotations.Add(new ReplicaAnnotation(replicas));
        return builder;
    }

    /// <summary>Makes the HTTP endpoints reachable from outside: a stable front-door address in run mode, ingress when deployed.</summary>
    public static IResourceBuilder<T> WithExternalHttpEndpoints<T>(this IResourceBuilder<T> builder)
        where T : IResourceWithEndpoints
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var endpoint in builder.Resource.Annotations.OfType<EndpointAnnotation>().Where(e => e.UriScheme is "http" or "https"))
        {
            endpoint.IsExternal = true;
        }
        return builder;
    }

    /// <summary>Sets an environment variable to a fixed value.</summary>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, string value)
        where T : IResourceWithEnvironment
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        return builder.WithEnvironment(context => context.EnvironmentVariables[name] = value);
    }

    /// <summary>Sets an environment variable to a parameter's value.</summary>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, IResourceBuilder<ParameterResource> parameter)
        where T : IResourceWithEnvironment
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(parameter);
        builder.Resource.Annotations.Add(new ResourceReferenceAnnotation(parameter.Resource));
        return builder.WithEnvironment(context => context.EnvironmentVariables[name] = parameter.Resource);
    }

    /// <summary>Sets an environment variable to an expression over endpoints and parameters.</summary>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, ReferenceExpression value)
        where T : IResourceWithEnvironment
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        return builder.WithEnvironment(context => context.EnvironmentVariables[name] = value);
    }

    /// <summary>Adds environment variables computed when the resource starts or is published.</summary>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, Action<EnvironmentCallbackContext> callback)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(callback);
        builder.Resource.Annotations.Add(new EnvironmentCallbackAnnotation(context =>
        {
            callback(context);
            return Task.CompletedTask;
        }));
        return builder;
    }

    /// <summary>Keeps the resource's data between runs (a named volume when deployed).</summary>
    public static IResourceBuilder<T> WithDataVolume<T>(this IResourceBuilder<T> builder, string? name = null)
        where T : IResourceWithConnectionString, IResourceWithEndpoints
    {
        ArgumentNullException.ThrowIfNull(builder);
        var volume = name ?? $"{builder.ApplicationBuilder.Options.ApplicationName ?? "app"}-{builder.Resource.Name}-data".ToLowerInvariant();
        builder.Resource.Annotations.Add(new DataVolumeAnnotation(volume));
        return builder;
    }
}

/// <summary>Access to resources that were declared elsewhere (in an AppHost's Program.cs, for a test).</summary>
public static class ResourceLookupExtensions
{
    /// <summary>A builder for an already declared resource, to adjust it (replicas, environment) before the app is built.</summary>
    public static IResourceBuilder<T> CreateResourceBuilder<T>(this IDistributedApplicationBuilder builder, string name) where T : IResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        var resource = builder.Resources.FirstOrDefault(r => r.Name == name)
            ?? throw new DistributedApplicationException($"No resource named '{name}'. Resources: {string.Join(", ", builder.Resources.Select(r => r.Name))}.");
        return resource is T typed
            ? new ResourceBuilder<T>(builder, typed)
            : throw new DistributedApplicationException($"Resource '{name}' is a {resource.GetType().Name}, not a {typeof(T).Name}.");
    }
}
