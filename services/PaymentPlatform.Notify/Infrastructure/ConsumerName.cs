namespace PaymentPlatform.Notify.Infrastructure;

/// <summary>
/// This replica's consumer name in the stream's group. The host sets
/// <c>OTEL_RESOURCE_ATTRIBUTES=service.instance.id=notify-0</c>, a name that survives a restart,
/// so a restarted replica finds and finishes its own pending entries first. Elsewhere the name
/// is the machine (the pod's name in Kubernetes) and the process id.
/// </summary>
internal static class ConsumerName
{
    public static string From(IConfiguration configuration)
    {
        var attributes = configuration["OTEL_RESOURCE_ATTRIBUTES"] ?? "";
        foreach (var pair in attributes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            if (separator > 0 && pair[..separator] == "service.instance.id" && pair[(separator + 1)..] is { Length: > 0 } id)
            {
                return id;
            }
        }
        return $"{Environment.MachineName}-{Environment.ProcessId}";
    }
}
