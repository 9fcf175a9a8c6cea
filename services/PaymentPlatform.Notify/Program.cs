var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPostgresDatabase("notifydb", typeof(Program).Assembly);
builder.AddRedisClient("cache");
builder.Services.AddNotifyServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapWebhookEndpointsApi();

app.Run();
