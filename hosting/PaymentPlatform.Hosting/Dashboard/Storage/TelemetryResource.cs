using PaymentPlatform.Otlp.Common.V1;

namespace PaymentPlatform.Hosting.Dashboard.Storage;

/// <summary>
/// A process that sends telemetry, identified as Aspire does by <c>service.name</c> and
/// <c>service.instance.id</c> (the host sets them to the resource and replica, e.g.
/// <c>gateway</c> and <c>gateway-1</c>).
/// </summary>
internal sealed class TelemetryResource(string name, string? instanceId)
{
    public string Name { get; } = name;

    public string? InstanceId { get; } = instanceId;

    /// <summary><c>gateway-1</c> for the host's replicas; the service name when there is no instance id.</summary>
    public string DisplayName { get; } = instanceId is null ? name
        : instanceId.StartsWith(name, StringComparison.Ordinal) ? instanceId
        : $"{name}-{(instanceId.Length > 8 ? instanceId[..8] : instanceId)}";

    /// <summary>The latest resource attributes the process sent.</summary>
    public KeyValuePair<string, string>[] Attributes { get; set; } = [];

    public DateTimeOffset FirstSeen { get; } = DateTimeOffset.UtcNow;

    public DateTimeOffset LastSeen { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>Matches a resource filter: the service name (every instance) or one instance's display name or id.</summary>
    public bool Matches(string filter) =>
        string.Equals(filter, Name, StringComparison.OrdinalIgnoreCase)
        || string.Equals(filter, DisplayName, StringComparison.OrdinalIgnoreCase)
        || string.Equals(filter, InstanceId, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Every resource seen in telemetry, one object per service name and instance id.</summary>
internal sealed class TelemetryResourceRegistry(TelemetryLimits limits)
{
    private const string UnknownService = "unknown_service";
    private readonly Dictionary<(string Name, string? InstanceId), TelemetryResource> _resources = [];
    private readonly Lock _lock = new();

    public TelemetryResource GetOrAdd(PaymentPlatform.Otlp.Resource.V1.Resource? resource)
    {
        string? name = null;
        string? instanceId = null;
        if (resource is not null)
        {
            foreach (var attribute in resource.Attributes)
            {
                if (attribute.Key == "service.name")
                {
                    name = attribute.Value?.StringValue;
                }
                else if (attribute.Key == "service.instance.id")
                {
                    instanceId = attribute.Value?.StringValue;
                }
            }
        }
        name = string.IsNullOrEmpty(name) ? UnknownService : name;
        instanceId = string.IsNullOrEmpty(instanceId) ? null : instanceId;

        lock (_lock)
        {
            if (!_resources.TryGetValue((name, instanceId), out var known))
            {
                known = new TelemetryResource(name, instanceId);
                _resources.Add((name, instanceId), known);
            }
            known.LastSeen = DateTimeOffset.UtcNow;
            if (resource is not null && !SameAttributes(known.Attributes, resource.Attributes))
            {
                known.Attributes = OtlpValues.Attributes(resource.Attributes, limits);
            }
            return known;
        }
    }

    public IReadOnlyList<TelemetryResource> All()
    {
        lock (_lock)
        {
            return [.. _resources.Values.OrderBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.InstanceId, StringComparer.Ordinal)];
        }
    }

    // Every batch repeats the resource's attributes; compare instead of converting them again.
    private static bool SameAttributes(KeyValuePair<string, string>[] known, Google.Protobuf.Collections.RepeatedField<KeyValue> incoming)
    {
        if (known.Length != incoming.Count)
        {
            return false;
        }
        for (var i = 0; i < known.Length; i++)
        {
            var value = incoming[i].Value;
            if (known[i].Key != incoming[i].Key || value is null || value.ValueCase != AnyValue.ValueOneofCase.StringValue || known[i].Value != value.StringValue)
            {
                return false;
            }
        }
        return true;
    }
}
