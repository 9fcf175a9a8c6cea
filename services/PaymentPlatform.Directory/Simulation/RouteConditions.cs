namespace PaymentPlatform.Directory.Simulation;

/// <summary>
/// Section <c>Directory:Routes</c>: per route (<c>validate</c>, <c>status</c>, <c>collect</c>) a simulated latency and
/// error rate, read on every request (<c>IOptionsMonitor</c>), so a change to configuration applies without a restart.
/// </summary>
public sealed class DirectoryRoutesOptions
{
    public const string SectionName = "Directory:Routes";

    public RouteConditions Validate { get; set; } = new();

    public RouteConditions Status { get; set; } = new();

    public RouteConditions Collect { get; set; } = new();

    public RouteConditions For(string route) => route switch
    {
        DirectoryRoutes.Validate => Validate,
        DirectoryRoutes.Status => Status,
        DirectoryRoutes.Collect => Collect,
        _ => throw new ArgumentOutOfRangeException(nameof(route), route, "Not a directory route."),
    };
}

/// <summary>How one route misbehaves: every answer waits <see cref="LatencyMs"/>, and a share <see cref="ErrorRate"/> of them is a 503.</summary>
public sealed class RouteConditions
{
    public int LatencyMs { get; set; }

    public double ErrorRate { get; set; }
}

public static class DirectoryRoutes
{
    public const string Validate = "validate";
    public const string Status = "status";
    public const string Collect = "collect";
}
