using PaymentPlatform.Directory;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddDirectoryServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapDirectoryApi();

app.Run();
