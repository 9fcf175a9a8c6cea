using PaymentPlatform.Risk;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPostgresDatabase("riskdb", typeof(Program).Assembly);
builder.Services.AddRiskServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapRiskApi();

app.Run();
