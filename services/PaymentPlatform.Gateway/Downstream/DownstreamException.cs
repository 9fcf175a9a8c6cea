namespace PaymentPlatform.Gateway.Downstream;

/// <summary>
/// An internal call that did not succeed. <see cref="Unavailable"/>: the resilience pipeline
/// gave up (timeouts, 5xx, connection failures, open circuit), so the caller answers 503
/// <c>{service}_unavailable</c>; otherwise the service refused the call (a 4xx, which is a bug
/// on one side of the contract), answered 502 <c>{service}_error</c>.
/// </summary>
internal sealed class DownstreamException(string service, bool unavailable, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public string Service { get; } = service;

    public bool Unavailable { get; } = unavailable;
}
