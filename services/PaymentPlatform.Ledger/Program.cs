using PaymentPlatform.Ledger;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPostgresDatabase("ledgerdb", typeof(Program).Assembly);
builder.Services.AddLedgerServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapLedgerApi();

app.Run();
