using System.Security.Cryptography;

namespace PaymentPlatform.Hosting.ApplicationModel;

/// <summary>
/// A value supplied from configuration (<c>Parameters:{name}</c>) or, for a secret that is not
/// configured, generated once per app and kept beside its data.
/// </summary>
public sealed class ParameterResource : Resource, IValueProvider, IManifestExpressionProvider
{
    internal ParameterResource(string name, bool secret, bool generateWhenMissing)
        : base(name)
    {
        Secret = secret;
        GenerateWhenMissing = generateWhenMissing;
    }

    /// <summary>Whether the value is secret (never printed, a Kubernetes Secret when deployed).</summary>
    public bool Secret { get; }

    /// <summary>Whether a missing value is generated (and persisted) rather than an error.</summary>
    public bool GenerateWhenMissing { get; }

    /// <summary>Set by the host when the app is built: where values come from.</summary>
    internal IParameterValueSource? ValueSource { get; set; }

    /// <inheritdoc />
    public string ValueExpression => $"{{{Name}.value}}";

    /// <inheritdoc />
    public ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default)
    {
        var source = ValueSource ?? throw new InvalidOperationException($"Parameter '{Name}' has no value source; values are known only once the app is built.");
        return ValueTask.FromResult<string?>(source.GetValue(this));
    }

    /// <summary>A random value safe inside connection strings and config files: letters and digits only.</summary>
    public static string GenerateValue(int length = 24)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        return RandomNumberGenerator.GetString(alphabet, length);
    }
}

/// <summary>Supplies parameter values in run mode.</summary>
internal interface IParameterValueSource
{
    string GetValue(ParameterResource parameter);
}
