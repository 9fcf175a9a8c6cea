using System.ComponentModel.DataAnnotations;

namespace PaymentPlatform.Gateway.Events;

/// <summary>The outbox relay (<c>Gateway:Relay</c>).</summary>
public sealed class RelayOptions
{
    public const string SectionName = "Gateway:Relay";

    /// <summary>Rows claimed per transaction.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>How long an idle relay waits before looking again (a local commit wakes it sooner).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan IdleDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait after repeated failures (Redis or PostgreSQL down).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan MaxErrorDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The Redis stream events go to (contracts.md: <c>events</c>).</summary>
    [Required]
    public string Stream { get; set; } = "events";
}
