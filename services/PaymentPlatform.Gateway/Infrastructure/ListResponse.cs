namespace PaymentPlatform.Gateway.Infrastructure;

/// <summary>Stripe's list object: a page of <c>data</c>, and whether more lie beyond it.</summary>
public sealed record ListResponse<T>(string Object, string Url, IReadOnlyList<T> Data, bool HasMore);
