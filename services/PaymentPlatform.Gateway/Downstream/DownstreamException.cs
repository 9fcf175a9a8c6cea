namespace PaymentPlatform.Gateway.Downstream;

/// <summary>
/// An internal call that did not succeed. <see cref="Unavailable"/>: the resilience pipeline
/// gave up (timeouts, 5xx, connection failures, open circuit), so the caller answers 503
/// <c>{service}_unavailable</c>; otherwise the service refused the call (a 4xx, which is a bug
/// on one side of the contract), answered 502 <c>{service}_error</c>.
/// </summary>
internal sealed class DownstreamException(string service, bool unavailable, string message, Exception? inner = null, int? status = null, string? code = null)
    : Exception(message, inner)
{
    public string Service { get; } = service;

    public bool Unavailable { get; } = unavailable;

    /// <summary>The HTTP status of a refusal (a 4xx), when the service answered one.</summary>
    public int? Status { get; } = status;

    /// <summary>The refusal's stable problem <c>code</c>, when its body had one.</summary>
    public string? Code { get; } = code;
}
