using System.Globalization;
using System.Text;
using PaymentPlatform.Hosting.ApplicationModel;

namespace PaymentPlatform.Hosting.Publishing;

/// <summary>A part of a value as deployed: text, or a secret parameter's value, which only the target's secret store holds.</summary>
internal abstract record DeploymentValuePart;

/// <summary>Plain text.</summary>
internal sealed record TextPart(string Text) : DeploymentValuePart;

/// <summary>The value of a secret parameter.</summary>
internal sealed record SecretPart(ParameterResource Parameter) : DeploymentValuePart;

/// <summary>A value resolved for one deployment target: text with secrets left as references.</summary>
internal sealed class DeploymentValue
{
    public DeploymentValue(IEnumerable<DeploymentValuePart> parts)
    {
        // Adjacent text merges, so a value without secrets is exactly one text part.
        var merged = new List<DeploymentValuePart>();
        foreach (var part in parts)
        {
            if (part is TextPart { Text.Length: 0 })
            {
                continue;
            }
            if (part is TextPart text && merged.Count > 0 && merged[^1] is TextPart previous)
            {
                merged[^1] = new TextPart(previous.Text + text.Text);
            }
            else
            {
                merged.Add(part);
            }
        }
        Parts = merged;
    }

    public IReadOnlyList<DeploymentValuePart> Parts { get; }

    /// <summary>Whether the value holds no secret.</summary>
    public bool IsPlain => Parts.All(p => p is TextPart);

    /// <summary>The text of a plain value.</summary>
    public string PlainText => IsPlain
        ? string.Concat(Parts.Cast<TextPart>().Select(p => p.Text))
        : throw new InvalidOperationException("The value holds a secret.");

    /// <summary>The parameter when the whole value is one secret parameter's value.</summary>
    public ParameterResource? SingleSecret => Parts is [SecretPart secret] ? secret.Parameter : null;

    /// <summary>The secret parameters the value uses, each once, in order.</summary>
    public IEnumerable<ParameterResource> Secrets => Parts.OfType<SecretPart>().Select(p => p.Parameter).Distinct();

    public static DeploymentValue Text(string text) => new([new TextPart(text)]);
}

/// <summary>Where a target puts a resource's endpoints: host names, ports and URLs.</summary>
internal interface IEndpointAddressing
{
    string Host(IResource resource, EndpointAnnotation endpoint);

    int Port(IResource resource, EndpointAnnotation endpoint);

    string Url(IResource resource, EndpointAnnotation endpoint);
}

/// <summary>
/// Resolves manifest expressions (<c>{ledger.bindings.http.url}</c>, <c>{ledgerdb.connectionString}</c>,
/// <c>{internal-token.value}</c>) for a target that has no expression language of its own:
/// endpoints become the target's DNS names and ports, secrets stay references.
/// </summary>
internal sealed class DeploymentValueResolver(PublishingModel model, IEndpointAddressing addressing, string publisherName)
{
    private const int MaxDepth = 8;

    /// <summary>Resolves a variable and records which resources' endpoints it reaches in <paramref name="reached"/>.</summary>
    public DeploymentValue Resolve(EnvironmentVariable variable, ISet<IResource>? reached = null)
    {
        ArgumentNullException.ThrowIfNull(variable);
        if (!variable.IsExpression)
        {
            return DeploymentValue.Text(variable.Value);
        }
        var parts = new List<DeploymentValuePart>();
        Append(parts, variable.Value, $"variable '{variable.Name}'", 0, reached);
        return new DeploymentValue(parts);
    }

    /// <summary>Resolves an expression such as a connection string.</summary>
    public DeploymentValue ResolveExpression(string expression, string what, ISet<IResource>? reached = null)
    {
        var parts = new List<DeploymentValuePart>();
        Append(parts, expression, what, 0, reached);
        return new DeploymentValue(parts);
    }

    private void Append(List<DeploymentValuePart> parts, string expression, string what, int depth, ISet<IResource>? reached)
    {
        if (depth > MaxDepth)
        {
            throw new DistributedApplicationException($"The expression of {what} refers to itself through connection strings; the {publisherName} publisher cannot resolve it.");
        }
        foreach (var segment in ManifestExpression.Parse(expression, what))
        {
            if (segment.Reference is null)
            {
                parts.Add(new TextPart(segment.Text));
                continue;
            }
            AppendReference(parts, segment.Reference, what, depth, reached);
        }
    }

    private void AppendReference(List<DeploymentValuePart> parts, string reference, string what, int depth, ISet<IResource>? reached)
    {
        var path = reference.Split('.');
        var resource = model.Find(path[0]) ?? throw Unresolvable(reference, what, $"there is no resource named '{path[0]}'");
        switch (path[1..])
        {
            case ["value"] when resource is ParameterResource parameter:
                parts.Add(parameter.Secret ? new SecretPart(parameter) : new TextPart(model.RequireParameterValue(parameter, publisherName)));
                return;
            case ["connectionString"] when resource is IResourceWithConnectionString withConnectionString:
                Append(parts, withConnectionString.ConnectionStringExpression.ValueExpression, what, depth + 1, reached);
                return;
            case ["bindings", var endpointName, var property]:
                var endpoint = resource.Annotations.OfType<EndpointAnnotation>().FirstOrDefault(e => e.Name == endpointName)
                    ?? throw Unresolvable(reference, what, $"'{resource.Name}' has no endpoint named '{endpointName}'");
                reached?.Add(resource);
                parts.Add(new TextPart(property.ToLowerInvariant() switch
                {
                    "url" => addressing.Url(resource, endpoint),
                    "host" => addressing.Host(resource, endpoint),
                    "port" => addressing.Port(resource, endpoint).ToString(CultureInfo.InvariantCulture),
                    "targetport" => endpoint.TargetPort.ToString(CultureInfo.InvariantCulture),
                    _ => throw Unresolvable(reference, what, $"endpoints have no property '{property}'"),
                }));
                return;
            default:
                throw Unresolvable(reference, what, "it is not a parameter value, a connection string or an endpoint property");
        }
    }

    private DistributedApplicationException Unresolvable(string reference, string what, string why) =>
        new($"The {publisherName} publisher cannot resolve '{{{reference}}}' in {what}: {why}.");
}

/// <summary>Splits a manifest expression into literal text and <c>{resource.path}</c> references.</summary>
internal static class ManifestExpression
{
    /// <summary>A piece of an expression: text, or a reference (the text between braces).</summary>
    public readonly record struct Segment(string Text, string? Reference);

    public static IReadOnlyList<Segment> Parse(string expression, string what)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var segments = new List<Segment>();
        var text = new StringBuilder();
        var i = 0;
        while (i < expression.Length)
        {
            var c = expression[i];
            if (c == '{')
            {
                var end = expression.IndexOf('}', i + 1);
                var inner = end < 0 ? null : expression[(i + 1)..end];
                if (inner is null || inner.Length == 0 || inner.Contains('{', StringComparison.Ordinal) || !inner.Contains('.', StringComparison.Ordinal))
                {
                    throw new DistributedApplicationException(
                        $"The expression of {what} has a '{{' at position {i} that does not open a reference such as {{ledger.bindings.http.url}}: \"{expression}\".");
                }
                if (text.Length > 0)
                {
                    segments.Add(new Segment(text.ToString(), null));
                    text.Clear();
                }
                segments.Add(new Segment("", inner));
                i = end + 1;
            }
            else if (c == '}')
            {
                throw new DistributedApplicationException($"The expression of {what} has an unmatched '}}' at position {i}: \"{expression}\".");
            }
            else
            {
                text.Append(c);
                i++;
            }
        }
        if (text.Length > 0)
        {
            segments.Add(new Segment(text.ToString(), null));
        }
        return segments;
    }
}
