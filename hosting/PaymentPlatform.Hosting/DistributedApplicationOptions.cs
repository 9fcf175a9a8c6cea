namespace PaymentPlatform.Hosting;

/// <summary>How a distributed application is built and run.</summary>
public sealed record DistributedApplicationOptions
{
    /// <summary>The command-line arguments (<c>--publisher manifest --output-path ...</c>, configuration overrides).</summary>
    public string[] Args { get; init; } = [];

    /// <summary>
    /// The AppHost's name, used for its data folder. Defaults to the entry assembly's name.
    /// </summary>
    public string? ApplicationName { get; init; }

    /// <summary>
    /// Testing mode: random ports, throwaway data (even for <c>WithDataVolume</c>), secrets
    /// generated per run, resource logs kept but not echoed, quicker health polling.
    /// </summary>
    public bool IsTesting { get; init; }

    /// <summary>Whether resource console output is echoed to the host's console, prefixed.</summary>
    public bool EchoResourceLogs { get; init; } = true;

    /// <summary>How often health is checked once a resource is healthy.</summary>
    public TimeSpan HealthCheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a service gets to finish in-flight work on shutdown before it is killed.</summary>
    public TimeSpan GracefulShutdownTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Whether run mode starts the dashboard (the OTLP/HTTP receiver every project exports to, and
    /// the telemetry API). Null means on, except in testing mode.
    /// </summary>
    public bool? EnableDashboard { get; init; }
}
