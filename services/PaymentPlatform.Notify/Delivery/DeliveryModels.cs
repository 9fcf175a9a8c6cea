namespace PaymentPlatform.Notify.Delivery;

/// <summary>A delivery this replica leased, with what an attempt needs from the event and the endpoint.</summary>
internal sealed record DueDelivery(
    string EventId,
    string EndpointId,
    string MerchantId,
    int AttemptCount,
    int ScheduleIndex,
    string Url,
    byte[] SecretCiphertext,
    byte[]? PreviousSecretCiphertext,
    DateTimeOffset? PreviousSecretExpiresAt,
    int? RateLimit,
    string Type,
    string Payload,
    string? Traceparent,
    DateTimeOffset CreatedAt,
    DateTimeOffset DueAt);

/// <summary>One attempt's outcome and what it decides for the delivery and its endpoint.</summary>
internal sealed record AttemptResult(
    DueDelivery Delivery,
    DateTimeOffset AttemptedAt,
    string Outcome,
    int? ResponseCode,
    int LatencyMs,
    string? Error,
    string Status,
    DateTimeOffset? NextAttemptAt,
    int ScheduleIndex,
    DateTimeOffset? PauseEndpointUntil,
    bool EndpointGone)
{
    public bool Succeeded => Outcome == AttemptOutcomes.Succeeded;
}

/// <summary>The <c>outcome</c> of an attempt, stored and used as the metric tag.</summary>
internal static class AttemptOutcomes
{
    public const string Succeeded = "succeeded";
    public const string HttpError = "http_error";
    public const string Timeout = "timeout";
    public const string NetworkError = "network_error";
    public const string Refused = "refused";

    /// <summary>Not attempted: the endpoint was paused after it was leased. Not recorded as an attempt.</summary>
    public const string Deferred = "deferred";
}

/// <summary>A delivery's <c>status</c>.</summary>
internal static class DeliveryStatuses
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Exhausted = "exhausted";
    public const string Canceled = "canceled";
}
