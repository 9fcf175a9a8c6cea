using PaymentPlatform.Hosting.ApplicationModel;

namespace PaymentPlatform.Hosting.Postgres;

/// <summary>A PostgreSQL server: a local process in run mode, a container when deployed.</summary>
public sealed class PostgresServerResource : Resource, IResourceWithConnectionString, IResourceWithEndpoints, IResourceWithWaitSupport
{
    /// <summary>The superuser the host connects as to create databases and roles.</summary>
    public const string SuperUserName = "postgres";

    internal PostgresServerResource(string name, ParameterResource password)
        : base(name)
    {
        PasswordParameter = password;
    }

    /// <summary>The superuser's password.</summary>
    public ParameterResource PasswordParameter { get; }

    /// <summary>The server's TCP endpoint.</summary>
    public EndpointReference PrimaryEndpoint => new(this, "tcp");

    /// <summary>The databases declared on this server, by resource name.</summary>
    public IReadOnlyList<PostgresDatabaseResource> Databases => _databases;

    private readonly List<PostgresDatabaseResource> _databases = [];

    internal void AddDatabase(PostgresDatabaseResource database) => _databases.Add(database);

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username={SuperUserName};Password={PasswordParameter}");

    /// <inheritdoc />
    public IEnumerable<KeyValuePair<string, ReferenceExpression>> GetConnectionProperties() =>
        PostgresConnectionProperties.For(PrimaryEndpoint, ReferenceExpression.Literal(SuperUserName), PasswordParameter, database: null);
}

/// <summary>
/// A database on a PostgreSQL server, owned by a login role of the same name that owns
/// nothing else: the service that references it connects as that role, never as superuser.
/// </summary>
public sealed class PostgresDatabaseResource : Resource, IResourceWithConnectionString, IResourceWithParent, IResourceWithWaitSupport
{
    internal PostgresDatabaseResource(string name, string databaseName, PostgresServerResource server, ParameterResource rolePassword)
        : base(name)
    {
        DatabaseName = databaseName;
        Server = server;
        RolePasswordParameter = rolePassword;
    }

    /// <summary>The database's name in PostgreSQL, and the name of the role that owns it.</summary>
    public string DatabaseName { get; }

    /// <summary>The login role that owns this database.</summary>
    public string RoleName => DatabaseName;

    /// <summary>The server the database lives on.</summary>
    public PostgresServerResource Server { get; }

    /// <summary>The owning role's password.</summary>
    public ParameterResource RolePasswordParameter { get; }

    /// <inheritdoc />
    public IResource Parent => Server;

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={Server.PrimaryEndpoint.Property(EndpointProperty.Host)};Port={Server.PrimaryEndpoint.Property(EndpointProperty.Port)};Username={RoleName};Password={RolePasswordParameter};Database={DatabaseName}");

    /// <inheritdoc />
    public IEnumerable<KeyValuePair<string, ReferenceExpression>> GetConnectionProperties() =>
        PostgresConnectionProperties.For(Server.PrimaryEndpoint, ReferenceExpression.Literal(RoleName), RolePasswordParameter, DatabaseName);
}

internal static class PostgresConnectionProperties
{
    public static IEnumerable<KeyValuePair<string, ReferenceExpression>> For(
        EndpointReference endpoint, ReferenceExpression user, ParameterResource password, string? database)
    {
        var host = endpoint.Property(EndpointProperty.Host);
        var port = endpoint.Property(EndpointProperty.Port);
        yield return new("Host", ReferenceExpression.Create($"{host}"));
        yield return new("Port", ReferenceExpression.Create($"{port}"));
        yield return new("Username", user);
        yield return new("Password", ReferenceExpression.Create($"{password}"));
        yield return new("Uri", database is null
            ? ReferenceExpression.Create($"postgresql://{user}:{password}@{host}:{port}")
            : ReferenceExpression.Create($"postgresql://{user}:{password}@{host}:{port}/{database}"));
        if (database is not null)
        {
            yield return new("DatabaseName", ReferenceExpression.Literal(database));
        }
    }
}
