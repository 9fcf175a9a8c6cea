using System.Collections.Concurrent;
using System.Diagnostics;

namespace PaymentPlatform.Load.Faults;

/// <summary>One error the client saw: when (a <c>Stopwatch</c> timestamp), of what kind, on which operation, and whether a retry followed.</summary>
public sealed record ClientError(long Timestamp, string Kind, string Operation, bool Retried);

/// <summary>
/// Every error of a fault run with its time, so each can be attributed to the fault whose window it
/// fell in: failed attempts that the client retried (<see cref="ClientError.Retried"/>) and requests
/// that still failed after their retries.
/// </summary>
public sealed class ErrorLog
{
    private readonly ConcurrentQueue<ClientError> _errors = new();

    public IReadOnlyCollection<ClientError> All => _errors;

    public void Attempt(string kind, string operation) => _errors.Enqueue(new ClientError(Stopwatch.GetTimestamp(), kind, operation, Retried: true));

    public void Failed(string kind, string operation) => _errors.Enqueue(new ClientError(Stopwatch.GetTimestamp(), kind, operation, Retried: false));
}
