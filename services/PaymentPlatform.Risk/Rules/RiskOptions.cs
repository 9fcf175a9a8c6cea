namespace PaymentPlatform.Risk.Rules;

/// <summary>
/// The rules and the model, bound from configuration section <c>Risk</c> and reloaded when it
/// changes (docs/risk.md lists every key). Defaults live in appsettings.json, not here: the
/// binder appends to lists it finds already filled.
/// </summary>
public sealed class RiskOptions
{
    public const string SectionName = "Risk";

    /// <summary>Per lowercase ISO currency, the amounts (minor units) from which a payment is reviewed or blocked.</summary>
    public Dictionary<string, AmountLimit> AmountLimits { get; set; } = new(StringComparer.Ordinal);

    /// <summary>What a card country that differs from the IP country does: <c>off</c>, <c>review</c> or <c>block</c>.</summary>
    public string CountryMismatch { get; set; } = RuleActions.Review;

    /// <summary>Values that are always allowed, checked before any block or review rule.</summary>
    public AllowListOptions AllowLists { get; set; } = new();

    public VelocityOptions Velocity { get; set; } = new();

    public ModelOptions Model { get; set; } = new();

    public BlocklistOptions Blocklist { get; set; } = new();
}

public sealed class AmountLimit
{
    public long? Review { get; set; }

    public long? Block { get; set; }
}

public sealed class AllowListOptions
{
    public List<string> CardFingerprints { get; set; } = [];

    public List<string> Handles { get; set; } = [];

    public List<string> Ips { get; set; } = [];

    public List<string> Merchants { get; set; } = [];
}

public sealed class VelocityOptions
{
    /// <summary>
    /// Limits by counter name, <c>{key}_{counter}_{window}</c> (e.g. <c>card_fingerprint_attempts_1m</c>):
    /// a count (this scoring included) that reaches <c>Review</c> or <c>Block</c> fires reason
    /// <c>velocity_{name}</c>. A rule with neither limit is off.
    /// </summary>
    public Dictionary<string, VelocityRuleOptions> Rules { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How long a scoring waits for Redis before it scores without velocity.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>While Redis is unavailable, how often a background probe tries it again.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary><c>FailOpen</c> (score without velocity, reason <c>velocity_unavailable</c>) or <c>FailClosed</c> (at least review).</summary>
    public string WhenUnavailable { get; set; } = UnavailablePolicies.FailOpen;

    /// <summary>Test configuration only: accept a caller-supplied <c>now</c>. Refused in Production.</summary>
    public bool AllowCallerTime { get; set; }
}

public sealed class VelocityRuleOptions
{
    public long? Review { get; set; }

    public long? Block { get; set; }
}

public sealed class ModelOptions
{
    public double Intercept { get; set; }

    /// <summary>Feature name to weight; the features are listed in <see cref="RiskModel.FeatureNames"/>.</summary>
    public Dictionary<string, double> Weights { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Model scores from this one (0-100) are reviewed (<c>model_elevated_risk</c>); Radar's default is 65.</summary>
    public int ReviewAt { get; set; } = 65;

    /// <summary>Model scores from this one are blocked (<c>model_highest_risk</c>); Radar's default is 75.</summary>
    public int BlockAt { get; set; } = 75;
}

public sealed class BlocklistOptions
{
    /// <summary>The safety net: each replica reloads the block lists this often even without a change message.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(30);
}

public static class RuleActions
{
    public const string Off = "off";
    public const string Allow = "allow";
    public const string Review = "review";
    public const string Block = "block";
}

public static class UnavailablePolicies
{
    public const string FailOpen = "FailOpen";
    public const string FailClosed = "FailClosed";
}
