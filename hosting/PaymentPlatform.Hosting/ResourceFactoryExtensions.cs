using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Hosting.Postgres;
using PaymentPlatform.Hosting.Redis;

namespace PaymentPlatform.Hosting;

/// <summary>Adds projects, PostgreSQL, Redis and parameters to the app.</summary>
public static class ResourceFactoryExtensions
{
    private const int ProjectContainerPort = 8080;

    /// <summary>Adds a .NET project, run from its build output; <typeparamref name="TProject"/> comes from the generated <c>Projects</c> namespace.</summary>
    public static IResourceBuilder<ProjectResource> AddProject<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        var project = new ProjectResource(name, new TProject());
        project.Annotations.Add(new EndpointAnnotation("http", "http", ProjectContainerPort));
        return builder.AddResource(project);
    }

    /// <summary>Adds a PostgreSQL server with a generated superuser password.</summary>
    public static IResourceBuilder<PostgresServerResource> AddPostgres(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var password = builder.AddParameter($"{name}-password", secret: true).Resource;
        var server = new PostgresServerResource(name, password);
        server.Annotations.Add(new EndpointAnnotation("tcp", "tcp", 5432));
        server.Annotations.Add(new ContainerImageAnnotation("docker.io/library/postgres", "15"));
        return builder.AddResource(server);
    }

    /// <summary>Adds a database, owned by a login role of the same name, to a PostgreSQL server.</summary>
    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(this IResourceBuilder<PostgresServerResource> builder, string name, string? databaseName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var rolePassword = builder.ApplicationBuilder.AddParameter($"{name}-password", secret: true).Resource;
        var database = new PostgresDatabaseResource(name, databaseName ?? name, builder.Resource, rolePassword);
        builder.Resource.AddDatabase(database);
        return builder.ApplicationBuilder.AddResource(database);
    }

    /// <summary>Adds a Redis server with a generated password and durable (AOF, fsync always) persistence.</summary>
    public static IResourceBuilder<RedisResource> AddRedis(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var password = builder.AddParameter($"{name}-password", secret: true).Resource;
        var redis = new RedisResource(name, password);
        redis.Annotations.Add(new EndpointAnnotation("tcp", "tcp", 6379));
        redis.Annotations.Add(new ContainerImageAnnotation("docker.io/library/redis", "7.0"));
        return builder.AddResource(redis);
    }

    /// <summary>
    /// Adds a parameter read from configuration <c>Parameters:{name}</c>. A secret that is not
    /// configured is generated once and kept beside the app's data, never in the repository.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddParameter(this IDistributedApplicationBuilder builder, string name, bool secret = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddResource(new ParameterResource(name, secret, generateWhenMissing: secret));
    }
}
