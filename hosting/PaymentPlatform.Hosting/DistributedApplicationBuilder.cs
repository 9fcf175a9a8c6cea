using System.Reflection;
using Microsoft.Extensions.Configuration;
using PaymentPlatform.Hosting.ApplicationModel;

namespace PaymentPlatform.Hosting;

internal sealed class DistributedApplicationBuilder : IDistributedApplicationBuilder
{
    private readonly List<IResource> _resources = [];
    private readonly ConfigurationManager _configuration = new();

    public DistributedApplicationBuilder(DistributedApplicationOptions options)
    {
        Options = options.ApplicationName is null
            ? options with { ApplicationName = Assembly.GetEntryAssembly()?.GetName().Name ?? "app" }
            : options;

        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Development";
        _configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Environment"] = environment });
        _configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true);
        _configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, $"appsettings.{environment}.json"), optional: true);
        _configuration.AddEnvironmentVariables();
        _configuration.AddCommandLine(Options.Args);

        var publisher = _configuration["publisher"];
        ExecutionContext = string.IsNullOrEmpty(publisher)
            ? new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run)
            : new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish, publisher);
    }

    public IConfigurationManager Configuration => _configuration;

    public DistributedApplicationExecutionContext ExecutionContext { get; }

    public DistributedApplicationOptions Options { get; }

    public IReadOnlyList<IResource> Resources => _resources;

    public IResourceBuilder<T> AddResource<T>(T resource) where T : IResource
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (_resources.Any(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new DistributedApplicationException($"A resource named '{resource.Name}' already exists; resource names must be unique.");
        }
        _resources.Add(resource);
        return new ResourceBuilder<T>(this, resource);
    }

    public DistributedApplication Build()
    {
        EntryPointInterception.Current.Value?.OnBuild(this);
        GraphValidator.Validate(_resources);
        return new DistributedApplication(new DistributedApplicationModel(_resources), Options, _configuration, ExecutionContext);
    }
}

/// <summary>The resources of a built application.</summary>
public sealed class DistributedApplicationModel(IReadOnlyList<IResource> resources)
{
    /// <summary>Every resource, in declaration order.</summary>
    public IReadOnlyList<IResource> Resources { get; } = resources;

    /// <summary>The resource with this name.</summary>
    public IResource Find(string name) =>
        Resources.FirstOrDefault(r => r.Name == name)
        ?? throw new DistributedApplicationException(
            $"No resource named '{name}'. Resources: {string.Join(", ", Resources.Select(r => r.Name))}.");
}

/// <summary>A problem with the app's graph or its run, with a message that says what to do.</summary>
public sealed class DistributedApplicationException(string message, Exception? inner = null) : Exception(message, inner);
