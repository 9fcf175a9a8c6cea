using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PaymentPlatform.ServiceDefaults.Http;

namespace PaymentPlatform.ServiceDefaults.Simulation;

/// <summary>Simulated latency and errors on a route, and the internal route that changes them while the service runs.</summary>
public static class SimulatedConditionsEndpoints
{
    /// <summary>
    /// Applies the conditions of configuration <c>{section}:{route}</c> (<see cref="SimulatedConditions"/>)
    /// before the route answers. The filter exists only when the section is configured at start or runtime
    /// changes are on (<see cref="SimulatedConditions.RuntimeChangesKey"/>); otherwise the route runs as if
    /// it had none, at no cost per request.
    /// </summary>
    public static RouteHandlerBuilder WithSimulatedConditions(this RouteHandlerBuilder builder, string section, string route)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(section);
        ArgumentException.ThrowIfNullOrEmpty(route);
        return builder.AddEndpointFilterFactory((factory, next) =>
        {
            var services = factory.ApplicationServices;
            var configuration = services.GetRequiredService<IConfiguration>();
            if (!SimulatedConditionsRegistry.RuntimeChangesEnabled(configuration) && !configuration.GetSection(section).Exists())
            {
                // Returning next unchanged tells the request delegate factory to skip the filter pipeline.
                return next;
            }
            var registry = services.GetRequiredService<SimulatedConditionsRegistry>();
            registry.Register(section, route);
            return async context =>
            {
                var conditions = registry.Current(route);
                if (conditions.LatencyMs > 0)
                {
                    await Task.Delay(conditions.LatencyMs, context.HttpContext.RequestAborted).ConfigureAwait(false);
                }
                if (conditions.ErrorRate > 0 && Random.Shared.NextDouble() < conditions.ErrorRate)
                {
                    return Problems.ServiceUnavailable("simulated_error",
                        string.Create(CultureInfo.InvariantCulture, $"This service simulates an error rate of {conditions.ErrorRate:P0} on {route}."));
                }
                return await next(context).ConfigureAwait(false);
            };
        });
    }

    /// <summary>
    /// <c>GET /v1/simulated_conditions</c> and <c>PUT /v1/simulated_conditions/{route}</c>
    /// (<c>{"latency_ms": 300, "error_rate": 0.2}</c>), behind the internal token, mapped only when runtime
    /// changes are on. A change applies to the next request, on this replica.
    /// </summary>
    internal static void MapSimulatedConditionsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1/simulated_conditions").RequireInternalToken();
        group.MapGet("", (SimulatedConditionsRegistry registry) =>
            TypedResults.Ok(registry.Routes.Select(route => ConditionsResponse.Of(route, registry.Current(route))).ToList()));
        group.MapPut("/{route}", ChangeAsync);
    }

    private static async Task<Results<Ok<ConditionsResponse>, ProblemHttpResult>> ChangeAsync(
        string route, HttpRequest request, SimulatedConditionsRegistry registry, RuntimeConditionsSource source, CancellationToken cancellationToken)
    {
        if (registry.SectionOf(route) is not { } section)
        {
            return Problems.NotFound("route_not_found",
                $"No route simulates conditions under the name '{route}'; this service has: {string.Join(", ", registry.Routes)}.");
        }
        var (body, invalid) = await RequestBody.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        if (invalid is not null)
        {
            return invalid;
        }
        var errors = new FieldErrors();
        var conditions = new SimulatedConditions();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("body", "Send an object: {\"latency_ms\": 0, \"error_rate\": 0}.");
        }
        else
        {
            if (body.TryGetProperty("latency_ms", out var latency))
            {
                if (latency.ValueKind == JsonValueKind.Number && latency.TryGetInt32(out var ms))
                {
                    conditions.LatencyMs = ms;
                }
                else
                {
                    errors.Add("latency_ms", "Must be a whole number of milliseconds.");
                }
            }
            if (body.TryGetProperty("error_rate", out var rate))
            {
                if (rate.ValueKind == JsonValueKind.Number)
                {
                    conditions.ErrorRate = rate.GetDouble();
                }
                else
                {
                    errors.Add("error_rate", "Must be a number from 0 to 1.");
                }
            }
            if (!errors.Any && !conditions.IsValid)
            {
                errors.Add("body", $"latency_ms is 0 to {SimulatedConditions.MaxLatencyMs} and error_rate 0 to 1.");
            }
        }
        if (errors.Problem() is { } problem)
        {
            return problem;
        }
        source.Provider.Apply(section, route, conditions);
        return TypedResults.Ok(ConditionsResponse.Of(route, registry.Current(route)));
    }

    /// <summary>One route's current conditions.</summary>
    internal sealed record ConditionsResponse(
        [property: JsonPropertyName("route")] string Route,
        [property: JsonPropertyName("latency_ms")] int LatencyMs,
        [property: JsonPropertyName("error_rate")] double ErrorRate)
    {
        public static ConditionsResponse Of(string route, SimulatedConditions conditions) => new(route, conditions.LatencyMs, conditions.ErrorRate);
    }
}
