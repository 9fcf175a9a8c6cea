namespace PaymentPlatform.Load.Engine;

/// <summary>How one request ended: as expected (which includes an expected decline), or an error of a named kind.</summary>
public readonly record struct Outcome(bool IsError, string Kind)
{
    public static Outcome Ok { get; } = new(false, "ok");

    public static Outcome Expected(string kind) => new(false, kind);

    public static Outcome Error(string kind) => new(true, kind);

    /// <summary>An exception from sending, named by what it means rather than its type.</summary>
    public static Outcome FromException(Exception exception) => exception switch
    {
        TaskCanceledException or TimeoutException => Error("timeout"),
        HttpRequestException { HttpRequestError: var error } => Error($"connection: {error}"),
        _ => Error(exception.GetType().Name),
    };
}
