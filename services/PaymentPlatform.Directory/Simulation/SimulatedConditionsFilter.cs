using Microsoft.Extensions.Options;
using PaymentPlatform.ServiceDefaults;

namespace PaymentPlatform.Directory.Simulation;

/// <summary>Applies a route's configured latency and error rate before the route answers (so callers' resilience is exercised).</summary>
internal static class SimulatedConditionsFilter
{
    public static RouteHandlerBuilder WithSimulatedConditions(this RouteHandlerBuilder builder, string route) =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var conditions = http.RequestServices.GetRequiredService<IOptionsMonitor<DirectoryRoutesOptions>>().CurrentValue.For(route);
            if (conditions.LatencyMs > 0)
            {
                await Task.Delay(conditions.LatencyMs, http.RequestAborted);
            }
            if (conditions.ErrorRate > 0 && Random.Shared.NextDouble() < conditions.ErrorRate)
            {
                return Problems.ServiceUnavailable("simulated_error", $"The directory simulates an error rate of {conditions.ErrorRate:P0} on {route}.");
            }
            return await next(context);
        });
}
