using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace PaymentPlatform.ServiceDefaults.Simulation;

/// <summary>
/// The routes of this service that simulate conditions, and their current conditions, read from
/// configuration once and read again after every configuration reload.
/// </summary>
internal sealed class SimulatedConditionsRegistry
{
    private readonly IConfiguration _configuration;
    private readonly ConcurrentDictionary<string, string> _sections = new(StringComparer.OrdinalIgnoreCase);
    private volatile ConcurrentDictionary<string, SimulatedConditions> _current = new(StringComparer.OrdinalIgnoreCase);

    public SimulatedConditionsRegistry(IConfiguration configuration)
    {
        _configuration = configuration;
        // A reload starts an empty cache: a read racing it fills the old one, which is dropped.
        ChangeToken.OnChange(configuration.GetReloadToken, () => _current = new(StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Whether conditions can be changed while the service runs (<see cref="SimulatedConditions.RuntimeChangesKey"/>).</summary>
    public static bool RuntimeChangesEnabled(IConfiguration configuration) =>
        string.Equals(configuration[SimulatedConditions.RuntimeChangesKey], "true", StringComparison.OrdinalIgnoreCase);

    public void Register(string section, string route)
    {
        if (!_sections.TryAdd(route, section) && _sections[route] != section)
        {
            throw new InvalidOperationException($"Simulated route '{route}' is registered under both '{_sections[route]}' and '{section}'.");
        }
    }

    /// <summary>The configuration section of a registered route; null when the service has no such route.</summary>
    public string? SectionOf(string route) => _sections.GetValueOrDefault(route);

    public IReadOnlyCollection<string> Routes => [.. _sections.Keys.Order(StringComparer.Ordinal)];

    public SimulatedConditions Current(string route) =>
        _current.GetOrAdd(route, r => _sections.TryGetValue(r, out var section)
            ? _configuration.GetSection($"{section}:{r}").Get<SimulatedConditions>() ?? new SimulatedConditions()
            : new SimulatedConditions());
}
