using System.ComponentModel.DataAnnotations;

namespace PaymentPlatform.Notify.Events;

/// <summary>The stream consumer (<c>Notify:Consumer</c>).</summary>
public sealed class ConsumerOptions
{
    public const string SectionName = "Notify:Consumer";

    [Required]
    public string Stream { get; set; } = "events";

    [Required]
    public string Group { get; set; } = "notify";

    [Range(1, 1000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>How long one XREADGROUP waits for new entries.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan BlockTime { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often this replica looks for entries that dead consumers left pending.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan ClaimInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an entry stays pending before another consumer may take it over.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ClaimMinIdle { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait after repeated failures (Redis or PostgreSQL down).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan MaxErrorDelay { get; set; } = TimeSpan.FromSeconds(5);
}
