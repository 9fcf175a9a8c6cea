namespace PaymentPlatform.ServiceDefaults;

/// <summary>
/// The platform's internal token, bound from configuration section <c>InternalApi</c>:
/// key <c>InternalApi:Token</c>, environment variable <c>InternalApi__Token</c> (the
/// AppHost sets it from a secret parameter; a Kubernetes Secret when deployed).
/// </summary>
public sealed class InternalApiOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "InternalApi";

    internal const string MissingTokenMessage =
        "The internal API token is not configured: set configuration key 'InternalApi:Token' " +
        "(environment variable InternalApi__Token). The AppHost hands it to every service; " +
        "a service that maps internal routes or calls internal services cannot run without it.";

    /// <summary>The bearer token internal calls carry and internal endpoints require.</summary>
    public string? Token { get; set; }
}
