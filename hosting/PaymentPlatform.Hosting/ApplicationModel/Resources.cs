namespace PaymentPlatform.Hosting.ApplicationModel;

/// <summary>A marker for metadata attached to a resource.</summary>
public interface IResourceAnnotation;

/// <summary>A part of the distributed application: a project, a database server, a parameter.</summary>
public interface IResource
{
    /// <summary>The resource's name, unique in the app and used in environment variable names.</summary>
    string Name { get; }

    /// <summary>The resource's annotations, in the order they were added.</summary>
    ResourceAnnotationCollection Annotations { get; }
}

/// <summary>A resource that other resources can reference by connection string.</summary>
public interface IResourceWithConnectionString : IResource, IManifestExpressionProvider, IValueProvider
{
    /// <summary>The connection string, as an expression over endpoints and parameters.</summary>
    ReferenceExpression ConnectionStringExpression { get; }

    /// <summary>The configuration key under <c>ConnectionStrings</c>; the resource's name by default.</summary>
    string ConnectionStringEnvironmentVariable => $"ConnectionStrings__{Name}";

    /// <summary>Connection properties handed out as <c>{NAME}_{PROPERTY}</c> variables.</summary>
    IEnumerable<KeyValuePair<string, ReferenceExpression>> GetConnectionProperties();

    string IManifestExpressionProvider.ValueExpression => $"{{{Name}.connectionString}}";

    ValueTask<string?> IValueProvider.GetValueAsync(CancellationToken cancellationToken) =>
        ConnectionStringExpression.GetValueAsync(cancellationToken);
}

/// <summary>A resource that listens on endpoints.</summary>
public interface IResourceWithEndpoints : IResource;

/// <summary>A resource whose process receives environment variables.</summary>
public interface IResourceWithEnvironment : IResource;

/// <summary>A resource that can wait for others before it starts.</summary>
public interface IResourceWithWaitSupport : IResource;

/// <summary>A resource that lives inside another (a database inside its server).</summary>
public interface IResourceWithParent : IResource
{
    /// <summary>The resource this one lives in.</summary>
    IResource Parent { get; }
}

/// <summary>The base of every resource: a name and its annotations.</summary>
public abstract class Resource : IResource
{
    protected Resource(string name)
    {
        ResourceNames.Validate(name);
        Name = name;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public ResourceAnnotationCollection Annotations { get; } = [];

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>The annotations of one resource.</summary>
public sealed class ResourceAnnotationCollection : List<IResourceAnnotation>
{
    /// <summary>All annotations of a type, in the order added.</summary>
    public IEnumerable<T> OfType<T>() where T : IResourceAnnotation => Enumerable.OfType<T>(this);
}

/// <summary>Resource names: lower-case kebab-case, as Kubernetes object names require.</summary>
public static class ResourceNames
{
    /// <summary>Throws when a name is not 1-63 characters of a-z, 0-9 and '-', starting with a letter.</summary>
    public static void Validate(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var valid = name.Length <= 63
            && char.IsAsciiLetterLower(name[0])
            && name[^1] != '-'
            && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            && !name.Contains("--", StringComparison.Ordinal);
        if (!valid)
        {
            throw new ArgumentException(
                $"Resource name '{name}' is invalid: use 1-63 lower-case letters, digits and single hyphens, starting with a letter (for example 'ledger' or 'payments-db').",
                nameof(name));
        }
    }

    /// <summary>The prefix of a resource's connection-property variables: upper case, '-' as '_'.</summary>
    public static string ToEnvironmentPrefix(string name) => name.ToUpperInvariant().Replace('-', '_');
}
