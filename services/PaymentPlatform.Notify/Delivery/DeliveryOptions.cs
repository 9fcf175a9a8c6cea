using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace PaymentPlatform.Notify.Delivery;

/// <summary>Webhook delivery (<c>Notify:Delivery</c>).</summary>
public sealed class DeliveryOptions : IValidatableObject
{
    public const string SectionName = "Notify:Delivery";

    /// <summary>Svix's schedule: the delay before each attempt, the first counted from the event.</summary>
    public const string SvixSchedule = "00:00:00,00:00:05,00:05:00,00:30:00,02:00:00,05:00:00,10:00:00,10:00:00";

    /// <summary>Comma-separated delays (TimeSpan), one per attempt; tests compress it.</summary>
    [Required]
    public string RetrySchedule { get; set; } = SvixSchedule;

    /// <summary>One attempt, connect to last response byte.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Attempts in flight in this replica, all endpoints together.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrency { get; set; } = 256;

    /// <summary>Attempts in flight to one endpoint, so a slow endpoint holds at most this many slots.</summary>
    [Range(1, 1000)]
    public int MaxConcurrencyPerEndpoint { get; set; } = 8;

    /// <summary>Attempts per second to one endpoint unless the endpoint sets its own; 0 means none.</summary>
    [Range(0, 100_000)]
    public int DefaultRateLimit { get; set; }

    /// <summary>How long an endpoint that answered 429, 502 or 504 without Retry-After gets no attempts.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan SlowDownDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest Retry-After honoured.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromHours(10);

    /// <summary>An endpoint failing without a success for this long is disabled (Svix: 5 days).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "365.00:00:00")]
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromDays(5);

    /// <summary>How long the previous secret keeps signing after a roll, unless the call says otherwise (Svix: 24 h).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan SecretRollOverlap { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A lease lasts the attempt timeout plus this; a crashed replica's leases run out after it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan LeaseMargin { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often due retries are looked for; new events wake the dispatcher at once.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often the backlog gauges are refreshed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan BacklogInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether loopback, private, link-local and metadata addresses may be connected to. Null: only
    /// in Development. Production refuses them whatever the URL's host name resolves to.
    /// </summary>
    public bool? AllowPrivateNetworks { get; set; }

    /// <summary>Comma-separated CIDR ranges allowed even when private (tests: <c>127.0.0.0/8,::1/128</c>).</summary>
    public string? AllowedNetworks { get; set; }

    public IReadOnlyList<TimeSpan> Schedule() =>
        RetrySchedule.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => TimeSpan.Parse(s, CultureInfo.InvariantCulture)).ToArray();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        IReadOnlyList<TimeSpan>? schedule = null;
        string? error = null;
        try
        {
            schedule = Schedule();
        }
        catch (FormatException ex)
        {
            error = ex.Message;
        }
        catch (OverflowException ex)
        {
            error = ex.Message;
        }
        if (schedule is not { Count: > 0 } || schedule.Any(d => d < TimeSpan.Zero))
        {
            yield return new ValidationResult($"RetrySchedule is a comma-separated list of non-negative TimeSpans ({error ?? "at least one"}).", [nameof(RetrySchedule)]);
        }
        foreach (var range in (AllowedNetworks ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!System.Net.IPNetwork.TryParse(range, out _))
            {
                yield return new ValidationResult($"AllowedNetworks: '{range}' is not a CIDR range.", [nameof(AllowedNetworks)]);
            }
        }
    }
}
