using System.Text;
using Microsoft.Extensions.Configuration;
using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Hosting.Orchestration;
using PaymentPlatform.Hosting.Postgres;
using PaymentPlatform.Hosting.Redis;

namespace PaymentPlatform.Hosting.Publishing;

/// <summary>An environment variable as a deployment sees it: a literal, or a manifest expression such as <c>{ledger.bindings.http.url}</c>.</summary>
internal sealed record EnvironmentVariable(string Name, string Value, bool IsExpression);

/// <summary>
/// The app model as the publishers see it: every resource with the environment run mode would
/// give it, collected in publish mode so values stay expressions and no secret is ever resolved.
/// </summary>
internal sealed class PublishingModel
{
    private readonly Dictionary<IResource, IReadOnlyList<EnvironmentVariable>> _environment;
    private readonly IConfiguration _configuration;

    private PublishingModel(DistributedApplicationModel model, IConfiguration configuration, string applicationName, Dictionary<IResource, IReadOnlyList<EnvironmentVariable>> environment)
    {
        Model = model;
        _configuration = configuration;
        ApplicationName = applicationName;
        AppPrefix = ToAppPrefix(applicationName);
        _environment = environment;
    }

    /// <summary>The app's resources.</summary>
    public DistributedApplicationModel Model { get; }

    /// <summary>Every resource, in declaration order (which every artifact keeps, so output is deterministic).</summary>
    public IReadOnlyList<IResource> Resources => Model.Resources;

    /// <summary>The AppHost's name, e.g. <c>PaymentPlatform.AppHost</c>.</summary>
    public string ApplicationName { get; }

    /// <summary>The app's name as a label value: <c>paymentplatform</c> for <c>PaymentPlatform.AppHost</c>.</summary>
    public string AppPrefix { get; }

    public IEnumerable<ProjectResource> Projects => Resources.OfType<ProjectResource>();

    public IEnumerable<ParameterResource> Parameters => Resources.OfType<ParameterResource>();

    public IEnumerable<ParameterResource> SecretParameters => Parameters.Where(p => p.Secret);

    public static async Task<PublishingModel> CreateAsync(DistributedApplicationModel model, DistributedApplicationExecutionContext executionContext, IConfiguration configuration, string applicationName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(executionContext);
        if (!executionContext.IsPublishMode)
        {
            // Run mode callbacks hand out resolved addresses; a deployment needs expressions.
            throw new InvalidOperationException("The publishing model is built in publish mode only.");
        }
        var environment = new Dictionary<IResource, IReadOnlyList<EnvironmentVariable>>();
        foreach (var resource in model.Resources.OfType<IResourceWithEnvironment>())
        {
            var collected = await EnvironmentResolver.CollectAsync(resource, executionContext).ConfigureAwait(false);
            environment[resource] = [.. collected.Select(pair => ToVariable(model, resource, pair.Key, pair.Value))];
        }
        return new PublishingModel(model, configuration, applicationName, environment);
    }

    /// <summary>The variables the resource's callbacks give it, in the order they were added.</summary>
    public IReadOnlyList<EnvironmentVariable> EnvironmentOf(IResource resource) =>
        _environment.TryGetValue(resource, out var variables) ? variables : [];

    public IResource? Find(string name) => Resources.FirstOrDefault(r => r.Name == name);

    /// <summary>A non-secret parameter's value from configuration (<c>Parameters:{name}</c>), for targets that write plain settings.</summary>
    public string RequireParameterValue(ParameterResource parameter, string publisherName)
    {
        if (parameter.Secret)
        {
            throw new InvalidOperationException("Secret values are never read while publishing.");
        }
        return _configuration[$"Parameters:{parameter.Name}"] ?? throw new DistributedApplicationException(
            $"Parameter '{parameter.Name}' has no value. The {publisherName} publisher writes non-secret parameters as plain settings: " +
            $"publish with --Parameters:{parameter.Name}=<value> (or environment variable Parameters__{parameter.Name}).");
    }

    /// <summary>Throws, naming each one, when the graph holds resources this publisher cannot express.</summary>
    public void RequireSupportedResources(string publisherName)
    {
        var unsupported = Resources
            .Where(r => r is not (ProjectResource or PostgresServerResource or PostgresDatabaseResource or RedisResource or ParameterResource))
            .ToList();
        if (unsupported.Count > 0)
        {
            throw new DistributedApplicationException(
                $"The {publisherName} publisher cannot express {string.Join(", ", unsupported.Select(r => $"'{r.Name}' ({r.GetType().Name})"))}: " +
                "it publishes projects, PostgreSQL servers and databases, Redis and parameters. Remove the resource from the graph when publishing, or publish with a target that supports it.");
        }
    }

    /// <summary>
    /// The image the .NET SDK builds for a project (<c>dotnet publish -t:PublishContainer</c>):
    /// its default repository is the assembly name, lower-cased, with other characters as '-'
    /// (<c>PaymentPlatform.Ledger</c> becomes <c>paymentplatform-ledger</c>). A
    /// <see cref="ContainerImageAnnotation"/> on the project overrides it.
    /// </summary>
    public static string ImageOf(ProjectResource project)
    {
        ArgumentNullException.ThrowIfNull(project);
        if (project.Annotations.OfType<ContainerImageAnnotation>().LastOrDefault() is { } image)
        {
            return $"{image.Image}:{image.Tag}";
        }
        var name = Path.GetFileNameWithoutExtension(project.Metadata.ProjectPath).ToLowerInvariant();
        var repository = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            repository.Append(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '/' ? c : '-');
        }
        return $"{repository}:latest";
    }

    /// <summary>The container image of a PostgreSQL or Redis resource.</summary>
    public static string ImageOf(IResource resource) =>
        resource is ProjectResource project
            ? ImageOf(project)
            : resource.Annotations.OfType<ContainerImageAnnotation>().LastOrDefault() is { } image
                ? $"{image.Image}:{image.Tag}"
                : throw new DistributedApplicationException($"Resource '{resource.Name}' has no container image to deploy.");

    private static EnvironmentVariable ToVariable(DistributedApplicationModel model, IResource resource, string name, object value)
    {
        switch (value)
        {
            case string text:
                return new(name, text, IsExpression: false);
            case IManifestExpressionProvider provider:
                // WithReference hands out the connection string's full expression; a deployment
                // refers to the resource's connectionString instead, as Aspire's manifests do,
                // so the secret inside it is declared once, on the resource that owns it.
                var expression = provider.ValueExpression;
                if (name.StartsWith("ConnectionStrings__", StringComparison.Ordinal)
                    && resource.Annotations.OfType<ResourceReferenceAnnotation>()
                        .Select(a => a.Resource)
                        .OfType<IResourceWithConnectionString>()
                        .FirstOrDefault(r => model.Resources.Contains(r) && r.ConnectionStringExpression.ValueExpression == expression) is { } source)
                {
                    expression = $"{{{source.Name}.connectionString}}";
                }
                return new(name, expression, IsExpression: true);
            default:
                throw new DistributedApplicationException(
                    $"Environment variable '{name}' of '{resource.Name}' has a value of type {value.GetType().Name}, which no deployment can express. " +
                    "Use a string, a parameter, an endpoint reference or a ReferenceExpression.");
        }
    }

    private static string ToAppPrefix(string applicationName)
    {
        var name = applicationName.ToLowerInvariant();
        if (name.EndsWith(".apphost", StringComparison.Ordinal))
        {
            name = name[..^".apphost".Length];
        }
        var prefix = new StringBuilder();
        foreach (var c in name)
        {
            var safe = char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) ? c : '-';
            if (safe != '-' || (prefix.Length > 0 && prefix[^1] != '-'))
            {
                prefix.Append(safe);
            }
        }
        var result = prefix.ToString().Trim('-');
        return result.Length == 0 ? "app" : result[..Math.Min(result.Length, 63)].TrimEnd('-');
    }
}
