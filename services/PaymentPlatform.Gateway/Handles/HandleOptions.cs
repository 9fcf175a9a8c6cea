namespace PaymentPlatform.Gateway.Handles;

/// <summary>Section <c>Gateway:Handles</c>: payment-handle validation.</summary>
public sealed class HandleOptions
{
    public const string SectionName = "Gateway:Handles";

    /// <summary>
    /// The whole validation's budget, from the request's arrival (authentication and the rate limit included): a
    /// downstream call still unanswered when it runs out ends the validation with a 503 naming that service.
    /// </summary>
    public TimeSpan Budget { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long the PSP reference data is served before it is read again (in the background, never by a request).</summary>
    public TimeSpan ReferenceDataTtl { get; set; } = TimeSpan.FromMinutes(5);
}
