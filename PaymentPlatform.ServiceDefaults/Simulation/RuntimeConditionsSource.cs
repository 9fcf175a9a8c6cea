using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace PaymentPlatform.ServiceDefaults.Simulation;

/// <summary>
/// The configuration layer that <c>PUT /v1/simulated_conditions/{route}</c> writes to: added last, so
/// it overrides appsettings and environment, and only when <see cref="SimulatedConditions.RuntimeChangesKey"/> is on.
/// Writing it reloads configuration, which the routes' conditions follow.
/// </summary>
internal sealed class RuntimeConditionsSource : IConfigurationSource
{
    public RuntimeConditionsProvider Provider { get; } = new();

    public IConfigurationProvider Build(IConfigurationBuilder builder) => Provider;
}

internal sealed class RuntimeConditionsProvider : ConfigurationProvider
{
    public void Apply(string section, string route, SimulatedConditions conditions)
    {
        Data[$"{section}:{route}:{nameof(SimulatedConditions.LatencyMs)}"] = conditions.LatencyMs.ToString(CultureInfo.InvariantCulture);
        Data[$"{section}:{route}:{nameof(SimulatedConditions.ErrorRate)}"] = conditions.ErrorRate.ToString("R", CultureInfo.InvariantCulture);
        OnReload();
    }
}
