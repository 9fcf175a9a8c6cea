namespace PaymentPlatform.ServiceDefaults.Simulation;

/// <summary>
/// How one route misbehaves on purpose, so callers' time-outs, retries and circuit breakers can be
/// exercised: every answer waits <see cref="LatencyMs"/>, and a share <see cref="ErrorRate"/> of them
/// is a 503 <c>simulated_error</c>. Read from configuration <c>{section}:{route}:LatencyMs|ErrorRate</c>
/// (the directory's <c>Directory:Routes</c>, risk's <c>Risk:Simulation</c>), reloaded on change.
/// </summary>
public sealed class SimulatedConditions
{
    /// <summary>
    /// Configuration key that lets the fault suite change conditions while the service runs
    /// (<c>PUT /v1/simulated_conditions/{route}</c>, internal token). Off unless set to <c>true</c>; refused in Production.
    /// </summary>
    public const string RuntimeChangesKey = "Simulation:RuntimeChanges";

    /// <summary>The largest simulated latency, in milliseconds (ten minutes).</summary>
    public const int MaxLatencyMs = 600_000;

    /// <summary>Milliseconds every answer waits before the route runs.</summary>
    public int LatencyMs { get; set; }

    /// <summary>The share of answers, 0 to 1, that are a 503 instead.</summary>
    public double ErrorRate { get; set; }

    /// <summary>Whether both values are in range: latency 0 to <see cref="MaxLatencyMs"/>, error rate 0 to 1.</summary>
    public bool IsValid => LatencyMs is >= 0 and <= MaxLatencyMs && ErrorRate is >= 0 and <= 1;
}
