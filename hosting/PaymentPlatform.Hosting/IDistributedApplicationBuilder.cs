using Microsoft.Extensions.Configuration;
using PaymentPlatform.Hosting.ApplicationModel;

namespace PaymentPlatform.Hosting;

/// <summary>Declares the resources of a distributed application and how they depend on each other.</summary>
public interface IDistributedApplicationBuilder
{
    /// <summary>The AppHost's configuration: appsettings, environment variables, command line.</summary>
    IConfigurationManager Configuration { get; }

    /// <summary>Whether the app is being run or published.</summary>
    DistributedApplicationExecutionContext ExecutionContext { get; }

    /// <summary>The options the builder was created with.</summary>
    DistributedApplicationOptions Options { get; }

    /// <summary>The resources declared so far, in declaration order.</summary>
    IReadOnlyList<IResource> Resources { get; }

    /// <summary>Adds a resource; its name must be unique.</summary>
    IResourceBuilder<T> AddResource<T>(T resource) where T : IResource;

    /// <summary>Validates the graph and builds the application.</summary>
    DistributedApplication Build();
}

/// <summary>Configures one resource of the app.</summary>
public interface IResourceBuilder<out T> where T : IResource
{
    /// <summary>The app's builder.</summary>
    IDistributedApplicationBuilder ApplicationBuilder { get; }

    /// <summary>The resource being configured.</summary>
    T Resource { get; }
}

internal sealed class ResourceBuilder<T>(IDistributedApplicationBuilder applicationBuilder, T resource) : IResourceBuilder<T>
    where T : IResource
{
    public IDistributedApplicationBuilder ApplicationBuilder { get; } = applicationBuilder;

    public T Resource { get; } = resource;
}
