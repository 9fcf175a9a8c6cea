using System.Diagnostics;
using OpenTelemetry;

namespace PaymentPlatform.ServiceDefaults.Telemetry;

/// <summary>
/// Keeps a tracer provider to the spans of its own web host when several hosts share a
/// process (tests, WebApplicationFactory): ActivityListeners are process-wide, so without
/// this every provider would export every host's server spans, and an in-process OTLP
/// receiver's own requests would feed back into the export.
/// </summary>
/// <remarks>
/// Each ASP.NET Core host has its own <c>ActivitySource("Microsoft.AspNetCore")</c> instance
/// in DI. A span whose local root is another host's server span is hidden from this
/// provider's exporter by clearing <see cref="ActivityTraceFlags.Recorded"/> in
/// <see cref="Close"/> (which runs before the exporter) and restoring it in
/// <see cref="Reopen"/> (which runs after), so other providers still see the span unchanged.
/// Both run synchronously on the thread that stops the activity. In a normal service
/// (one host per process) nothing is ever hidden.
/// </remarks>
internal sealed class HostScopedSpanGate
{
    [ThreadStatic]
    private static Activity? hidden;

    public HostScopedSpanGate(ActivitySource? ownServerSource)
    {
        Close = new CloseProcessor(ownServerSource);
        Reopen = new ReopenProcessor();
    }

    public BaseProcessor<Activity> Close { get; }

    public BaseProcessor<Activity> Reopen { get; }

    internal static bool BelongsToAnotherHost(Activity activity, ActivitySource? ownServerSource)
    {
        if (ownServerSource is null)
        {
            return false;
        }

        var root = activity;
        while (root.Parent is { } parent)
        {
            root = parent;
        }

        return root.Kind == ActivityKind.Server
            && root.Source.Name == ownServerSource.Name
            && !ReferenceEquals(root.Source, ownServerSource);
    }

    private sealed class CloseProcessor(ActivitySource? ownServerSource) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data)
        {
            if (data.Recorded && BelongsToAnotherHost(data, ownServerSource))
            {
                data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
                hidden = data;
            }
        }
    }

    private sealed class ReopenProcessor : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data)
        {
            if (ReferenceEquals(hidden, data))
            {
                data.ActivityTraceFlags |= ActivityTraceFlags.Recorded;
                hidden = null;
            }
        }
    }
}
