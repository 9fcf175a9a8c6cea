using PaymentPlatform.Hosting.ApplicationModel;

namespace PaymentPlatform.Hosting.Redis;

/// <summary>A Redis server: a local process in run mode, a container when deployed.</summary>
public sealed class RedisResource : Resource, IResourceWithConnectionString, IResourceWithEndpoints, IResourceWithWaitSupport
{
    internal RedisResource(string name, ParameterResource password)
        : base(name)
    {
        PasswordParameter = password;
    }

    /// <summary>The <c>requirepass</c> password.</summary>
    public ParameterResource PasswordParameter { get; }

    /// <summary>The server's TCP endpoint.</summary>
    public EndpointReference PrimaryEndpoint => new(this, "tcp");

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{PrimaryEndpoint.Property(EndpointProperty.Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)},password={PasswordParameter}");

    /// <inheritdoc />
    public IEnumerable<KeyValuePair<string, ReferenceExpression>> GetConnectionProperties()
    {
        var host = PrimaryEndpoint.Property(EndpointProperty.Host);
        var port = PrimaryEndpoint.Property(EndpointProperty.Port);
        yield return new("Host", ReferenceExpression.Create($"{host}"));
        yield return new("Port", ReferenceExpression.Create($"{port}"));
        yield return new("Password", ReferenceExpression.Create($"{PasswordParameter}"));
        yield return new("Uri", ReferenceExpression.Create($"redis://:{PasswordParameter}@{host}:{port}"));
    }
}
