using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace PaymentPlatform.ServiceDefaults;

/// <summary>
/// Resolves internal service URLs such as <c>http://ledger</c> or <c>https+http://ledger</c>
/// from configuration section <c>Services:{name}:{scheme}</c> (one array entry per replica,
/// e.g. <c>services__ledger__http__0=http://127.0.0.1:5123</c>), the way Aspire's service
/// discovery does: schemes in the order written, with <c>https</c> ahead of <c>http</c>,
/// round-robin over the entries, and the URL passed through to DNS when no entry exists
/// (what Kubernetes and Container Apps rely on).
/// </summary>
public sealed class ServiceEndpointResolver : IDisposable
{
    /// <summary>The configuration section holding service endpoints.</summary>
    public const string SectionName = "Services";

    private readonly IConfiguration configuration;
    private readonly ConcurrentDictionary<(string Service, string Scheme), string[]> entries = new();
    private readonly ConcurrentDictionary<string, Counter> counters = new(StringComparer.OrdinalIgnoreCase);
    private readonly IDisposable reloadRegistration;

    /// <summary>Creates a resolver over <paramref name="configuration"/>; entries are re-read when it reloads.</summary>
    public ServiceEndpointResolver(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        this.configuration = configuration;
        reloadRegistration = ChangeToken.OnChange(configuration.GetReloadToken, entries.Clear);
    }

    /// <summary>
    /// Returns <paramref name="uri"/> with its scheme, host and port replaced by the next
    /// configured endpoint of the service it names; path and query are kept.
    /// </summary>
    public Uri Resolve(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri)
        {
            return uri;
        }

        var schemes = OrderSchemes(uri.Scheme);
        var service = uri.Host;
        foreach (var scheme in schemes)
        {
            var candidates = entries.GetOrAdd((service, scheme), ReadEntries);
            if (candidates.Length == 0)
            {
                continue;
            }

            var index = counters.GetOrAdd(service, _ => new Counter()).Next(candidates.Length);
            return WithEndpoint(uri, candidates[index], scheme);
        }

        // Pass-through: DNS resolves the name. A multi-scheme URL takes its preferred scheme.
        return schemes.Length == 1 && schemes[0] == uri.Scheme
            ? uri
            : new UriBuilder(uri) { Scheme = schemes[0], Port = uri.Port }.Uri;
    }

    /// <inheritdoc />
    public void Dispose() => reloadRegistration.Dispose();

    /// <summary>The URL's schemes in the order to try: as written, except that <c>https</c> goes before <c>http</c>.</summary>
    internal static string[] OrderSchemes(string scheme)
    {
        var schemes = scheme.ToLowerInvariant().Split('+', StringSplitOptions.RemoveEmptyEntries);
        var https = Array.IndexOf(schemes, "https");
        var http = Array.IndexOf(schemes, "http");
        if (http >= 0 && https > http)
        {
            Array.Copy(schemes, http, schemes, http + 1, https - http);
            schemes[http] = "https";
        }

        return schemes;
    }

    private string[] ReadEntries((string Service, string Scheme) key) =>
        configuration.GetSection(SectionName).GetSection(key.Service).GetSection(key.Scheme)
            .GetChildren()
            .Select(child => child.Value)
            .OfType<string>()
            .Where(value => !string.IsNullOrWhiteSpace(value))
            .Select(value => value.Trim())
            .ToArray();

    private static Uri WithEndpoint(Uri uri, string entry, string scheme)
    {
        // An entry is a URL (what the host writes) or host:port under the section's scheme.
        var endpoint = entry.Contains("://", StringComparison.Ordinal)
            ? new Uri(entry)
            : new Uri($"{scheme}://{entry}");
        return new UriBuilder(uri)
        {
            Scheme = endpoint.Scheme,
            Host = endpoint.Host,
            Port = endpoint.Port,
        }.Uri;
    }

    private sealed class Counter
    {
        private uint next = uint.MaxValue;

        public int Next(int count) => (int)(Interlocked.Increment(ref next) % (uint)count);
    }
}
