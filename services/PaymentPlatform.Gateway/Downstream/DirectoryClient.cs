namespace PaymentPlatform.Gateway.Downstream;

/// <summary>The simulated UPI directory (contracts.md, "Payment-handle validation: the downstream calls").</summary>
internal sealed class DirectoryClient(HttpClient http)
{
    /// <summary>ValAdd: whether the address exists and its masked holder name. A read, keyed so the pipeline may retry it.</summary>
    public Task<DirectoryAddress> ValidateAsync(string handle, string requestId, CancellationToken cancellationToken) =>
        InternalCall.PostAsync<DirectoryValidateRequest, DirectoryAddress>(http, "directory", "v1/addresses/validate",
            new DirectoryValidateRequest(handle), $"{requestId}:valadd", cancellationToken);

    /// <summary>The account's status; null when the directory knows no such address.</summary>
    public Task<DirectoryAccountStatus?> StatusAsync(string handle, CancellationToken cancellationToken) =>
        InternalCall.GetAsync<DirectoryAccountStatus>(http, "directory", $"v1/addresses/{Uri.EscapeDataString(handle)}/status", cancellationToken);

    /// <summary>Debits the handle for a UPI payment, once per payment (<c>Idempotency-Key: {payment_id}:collect</c>).</summary>
    public Task<DirectoryCollect> CollectAsync(string paymentId, string handle, long amount, string currency, CancellationToken cancellationToken) =>
        InternalCall.PostAsync<DirectoryCollectRequest, DirectoryCollect>(http, "directory", "v1/collect",
            new DirectoryCollectRequest(paymentId, handle, amount, currency), $"{paymentId}:collect", cancellationToken);
}

internal sealed record DirectoryValidateRequest(string Handle);

internal sealed record DirectoryAddress(string Handle, bool Valid, string? Name);

internal sealed record DirectoryAccountStatus(string Handle, string Status, bool CanReceive);

internal sealed record DirectoryCollectRequest(string CollectId, string Handle, long Amount, string Currency);

/// <summary><c>status</c>: <c>succeeded</c> or <c>declined</c> with <c>decline_code</c>.</summary>
internal sealed record DirectoryCollect(string CollectId, string Status, string? DeclineCode)
{
    public const string Succeeded = "succeeded";
}
