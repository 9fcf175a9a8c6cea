using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace PaymentPlatform.Gateway.Infrastructure;

/// <summary>
/// The published contract: an OpenAPI 3.1 document at <c>/openapi/v1.json</c>, generated from the routes and
/// their declared answers (<see cref="Responds"/>), with the bearer key scheme. A test validates real responses
/// against its schemas.
/// </summary>
public static class OpenApiSetup
{
    public const string DocumentPath = "/openapi/{documentName}.json";

    public static IServiceCollection AddGatewayOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "PaymentPlatform API",
                Version = "v1",
                Description = "Payments, refunds, balances and merchant keys. Authenticate with Authorization: Bearer sk_test_...; "
                    + "send an Idempotency-Key on every POST that moves money.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A secret API key (sk_test_... or sk_live_...), or the admin key on /v1/merchants.",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] }];
            return Task.CompletedTask;
        }));

    /// <summary>Declares a route's answers: the success body and the problem statuses it may return (all problem+json).</summary>
    public static RouteHandlerBuilder Responds<TResponse>(this RouteHandlerBuilder builder, int status, params int[] problems)
    {
        builder.Produces<TResponse>(status);
        return builder.WithProblems(problems);
    }

    /// <summary>Declares the problem statuses a route may return, and the ones every merchant route may (401, 429).</summary>
    public static RouteHandlerBuilder WithProblems(this RouteHandlerBuilder builder, params int[] problems)
    {
        foreach (var problem in problems.Concat([StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests]).Distinct())
        {
            builder.ProducesProblem(problem);
        }
        return builder;
    }

    /// <summary>
    /// Declares the JSON body a route reads itself (through <see cref="JsonBody"/>), and the 415 routing answers
    /// (problem+json) when a request declares another media type.
    /// </summary>
    public static RouteHandlerBuilder Reads<TRequest>(this RouteHandlerBuilder builder) where TRequest : class =>
        builder.Accepts<TRequest>("application/json").ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
}
