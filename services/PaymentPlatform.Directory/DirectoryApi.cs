using PaymentPlatform.Directory.Addresses;

namespace PaymentPlatform.Directory;

public static class DirectoryApi
{
    /// <summary>The directory's internal API under <c>/v1</c>, every route behind the internal token.</summary>
    public static WebApplication MapDirectoryApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGroup("/v1")
            .RequireInternalToken()
            .MapAddressesApi();
        return app;
    }
}
