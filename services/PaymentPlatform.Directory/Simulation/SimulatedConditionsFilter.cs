using PaymentPlatform.ServiceDefaults.Simulation;

namespace PaymentPlatform.Directory.Simulation;

/// <summary>
/// Applies a route's configured latency and error rate (<c>Directory:Routes:{route}</c>) before the route answers,
/// so callers' resilience is exercised; ServiceDefaults' shared filter, which risk uses too. The fault suite changes
/// the conditions while the directory runs with <c>PUT /v1/simulated_conditions/{route}</c> (Simulation:RuntimeChanges).
/// </summary>
internal static class SimulatedConditionsFilter
{
    public static RouteHandlerBuilder WithSimulatedConditions(this RouteHandlerBuilder builder, string route) =>
        SimulatedConditionsEndpoints.WithSimulatedConditions(builder, DirectoryRoutesOptions.SectionName, route);
}
