var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPostgresDatabase("paymentsdb", typeof(Program).Assembly);
builder.AddRedisClient("cache");
builder.Services.AddGatewayServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapPaymentsApi();
app.MapCaptureRefundApi();

app.Run();
