using PaymentPlatform.Gateway.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPostgresDatabase("paymentsdb", typeof(Program).Assembly);
// The gateway keeps working without Redis (idempotency falls back to the database, rate limits follow their
// policy): its rate-limiter check reports Degraded rather than the client's own check reporting Unhealthy.
builder.AddRedisClient("cache", settings => settings.DisableHealthChecks = true);
builder.Services.AddGatewayServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapOpenApi(OpenApiSetup.DocumentPath);
app.MapMerchantsApi();
app.MapPaymentsApi();
app.MapCaptureRefundApi();
app.MapBalanceApi();
app.MapPaymentHandlesApi();
app.MapEventsApi().MapWebhookEndpointsApi();

app.Run();
