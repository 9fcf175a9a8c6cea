namespace PaymentPlatform.Risk;

/// <summary>
/// Builds the risk service. Program.cs runs it; tests and the benchmark start it in-process on
/// a real port, with extra configuration applied before the services read it.
/// </summary>
public static class RiskApplication
{
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configure?.Invoke(builder);

        builder.AddServiceDefaults();
        builder.AddPostgresDatabase("riskdb", typeof(RiskApplication).Assembly);
        builder.AddRiskServices();

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapRiskApi();
        return app;
    }
}
