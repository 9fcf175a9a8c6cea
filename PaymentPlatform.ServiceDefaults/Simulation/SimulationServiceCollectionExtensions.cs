using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace PaymentPlatform.ServiceDefaults.Simulation;

internal static class SimulationServiceCollectionExtensions
{
    /// <summary>
    /// The registry every simulated route reads; with runtime changes on (never in Production), also the
    /// configuration layer <c>PUT /v1/simulated_conditions/{route}</c> writes to.
    /// </summary>
    public static void AddSimulatedConditions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SimulatedConditionsRegistry>();
        if (!SimulatedConditionsRegistry.RuntimeChangesEnabled(builder.Configuration))
        {
            return;
        }
        if (builder.Environment.IsProduction())
        {
            throw new InvalidOperationException(
                $"{SimulatedConditions.RuntimeChangesKey} is on in Production. Changing simulated conditions at run time is for the fault suite only; remove that configuration.");
        }
        var source = new RuntimeConditionsSource();
        builder.Configuration.Add(source);
        builder.Services.AddSingleton(source);
    }
}
