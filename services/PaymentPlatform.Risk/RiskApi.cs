using PaymentPlatform.Risk.Blocklist;
using PaymentPlatform.Risk.Scoring;

namespace PaymentPlatform.Risk;

public static class RiskApi
{
    /// <summary>Risk's internal API under <c>/v1</c>, every route behind the internal token.</summary>
    public static WebApplication MapRiskApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGroup("/v1")
            .RequireInternalToken()
            .MapScoringApi()
            .MapBlocklistApi();
        return app;
    }
}
