namespace PaymentPlatform.Hosting.Publishing;

/// <summary>
/// The numbers every deployment target shares, chosen once so Kubernetes and Container Apps
/// behave alike. Kubernetes users adjust them with a kustomize patch.
/// </summary>
internal static class DeploymentDefaults
{
    /// <summary>Readiness: every check, dependencies included (ServiceDefaults' <c>/health</c>).</summary>
    public const string ReadinessPath = "/health";

    /// <summary>Liveness: the process answers (ServiceDefaults' <c>/alive</c>, live checks only), so a slow database never restarts a service.</summary>
    public const string LivenessPath = "/alive";

    /// <summary>
    /// Seconds a replica keeps serving after it is told to stop, before the host starts its own
    /// shutdown: load balancers and kube-proxy need a moment to stop sending it new requests.
    /// </summary>
    public const int PreStopSeconds = 5;

    /// <summary>
    /// Seconds ASP.NET Core waits for in-flight requests (DOTNET_SHUTDOWNTIMEOUTSECONDS). An internal
    /// call's whole resilience budget is 30 s (the standard handler's total timeout), so a payment
    /// that started just before shutdown can still finish.
    /// </summary>
    public const int ShutdownTimeoutSeconds = 30;

    /// <summary>Pre-stop, then the host's drain, then 10 s to spare before the runtime kills the process.</summary>
    public const int TerminationGracePeriodSeconds = PreStopSeconds + ShutdownTimeoutSeconds + 10;

    /// <summary>PostgreSQL gets time for a fast shutdown's checkpoint.</summary>
    public const int DatabaseTerminationGracePeriodSeconds = 60;

    /// <summary>The non-root user of the .NET SDK's container images (<c>app</c>, uid 1654).</summary>
    public const long ProjectUserId = 1654;

    /// <summary>The <c>postgres</c> and <c>redis</c> users of the official images (uid and gid 999 in both).</summary>
    public const long DataUserId = 999;

    /// <summary>How far an autoscaled service may grow, as a multiple of its declared replicas.</summary>
    public const int AutoscaleFactor = 5;

    /// <summary>Average CPU utilisation an autoscaled service is scaled to.</summary>
    public const int AutoscaleCpuUtilization = 70;

    /// <summary>OTLP protocol: the services carry no gRPC stack (it cannot be restored here), so only OTLP/HTTP.</summary>
    public const string OtlpProtocol = "http/protobuf";
}
