using System.Collections.Frozen;
using PaymentPlatform.Risk.Blocklist;
using PaymentPlatform.Risk.Velocity;

namespace PaymentPlatform.Risk.Rules;

/// <summary>One velocity limit, compiled: which count it reads and its stable reason code.</summary>
public sealed record VelocityRule(int Index, string Code, string Description, long? Review, long? Block);

/// <summary>
/// <see cref="RiskOptions"/> checked and compiled into the immutable form scoring reads: one
/// instance per configuration version, swapped whole on reload.
/// </summary>
public sealed class RiskPolicy
{
    private RiskPolicy() { }

    public required FrozenDictionary<string, AmountLimit> AmountLimits { get; init; }
    public required string CountryMismatch { get; init; }

    /// <summary>Per block-list kind (<see cref="BlocklistKinds.All"/> order), the normalized values allowed outright.</summary>
    public required FrozenSet<string>[] AllowLists { get; init; }
    public required VelocityRule[] VelocityRules { get; init; }
    public required double Intercept { get; init; }

    /// <summary>Weights by feature index (<see cref="RiskModel.FeatureNames"/>).</summary>
    public required double[] Weights { get; init; }
    public required int ModelReviewAt { get; init; }
    public required int ModelBlockAt { get; init; }
    public required bool FailClosed { get; init; }
    public required TimeSpan VelocityTimeout { get; init; }
    public required TimeSpan ProbeInterval { get; init; }
    public required bool AllowCallerTime { get; init; }
    public required TimeSpan BlocklistRefresh { get; init; }

    /// <summary>The options this policy was compiled from, as <see cref="RuleHistory"/> records them.</summary>
    public required RiskOptions Source { get; init; }

    /// <summary>Checks the options; the errors name the configuration keys at fault.</summary>
    public static (RiskPolicy? Policy, IReadOnlyList<string> Errors) Compile(RiskOptions options, bool isProduction)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        const string s = RiskOptions.SectionName;

        foreach (var (currency, limit) in options.AmountLimits)
        {
            if (currency.Length != 3 || !currency.All(char.IsAsciiLetterLower))
            {
                errors.Add($"{s}:AmountLimits:{currency} must be a lowercase ISO 4217 code, e.g. usd.");
            }
            if (limit.Review is < 0 || limit.Block is < 0)
            {
                errors.Add($"{s}:AmountLimits:{currency} limits must be zero or more minor units.");
            }
            if (limit is { Review: { } review, Block: { } block } && review > block)
            {
                errors.Add($"{s}:AmountLimits:{currency}:Review must not exceed Block.");
            }
        }
        if (options.CountryMismatch is not (RuleActions.Off or RuleActions.Review or RuleActions.Block))
        {
            errors.Add($"{s}:CountryMismatch must be off, review or block.");
        }

        var rules = new List<VelocityRule>();
        foreach (var (name, rule) in options.Velocity.Rules)
        {
            var at = $"{s}:Velocity:Rules:{name}";
            var index = IndexOf(RiskModel.FeatureNames, name) - RiskModel.VelocityOffset;
            if (index < 0)
            {
                errors.Add($"{at} is not a counter; names are {{key}}_{{counter}}_{{window}} with key {string.Join("/", VelocityDimensions.Keys)}, counter attempts/declines, window 1m/1h/1d.");
                continue;
            }
            if (rule.Review is < 1 || rule.Block is < 1) errors.Add($"{at} limits must be at least 1.");
            if (rule is { Review: { } r, Block: { } b } && r > b) errors.Add($"{at}:Review must not exceed Block.");
            if (rule.Review is not null || rule.Block is not null)
            {
                var key = index / VelocityDimensions.CountsPerKey;
                var counter = index % VelocityDimensions.CountsPerKey / 3;
                var window = index % 3;
                rules.Add(new VelocityRule(index, "velocity_" + name,
                    $"{VelocityDimensions.Counters[counter]} per {VelocityDimensions.Keys[key]} in {VelocityDimensions.Windows[window]}", rule.Review, rule.Block));
            }
        }
        var velocity = options.Velocity;
        if (velocity.Timeout <= TimeSpan.Zero || velocity.Timeout > TimeSpan.FromSeconds(5)) errors.Add($"{s}:Velocity:Timeout must be between 0 and 5 seconds.");
        if (velocity.ProbeInterval <= TimeSpan.Zero) errors.Add($"{s}:Velocity:ProbeInterval must be positive.");
        if (velocity.WhenUnavailable is not (UnavailablePolicies.FailOpen or UnavailablePolicies.FailClosed))
        {
            errors.Add($"{s}:Velocity:WhenUnavailable must be FailOpen or FailClosed.");
        }
        if (velocity.AllowCallerTime && isProduction)
        {
            errors.Add($"{s}:Velocity:AllowCallerTime is test configuration; Production always uses Redis TIME.");
        }

        var weights = new double[RiskModel.FeatureNames.Count];
        foreach (var (feature, weight) in options.Model.Weights)
        {
            var index = IndexOf(RiskModel.FeatureNames, feature);
            if (index < 0)
            {
                errors.Add($"{s}:Model:Weights:{feature} is not a feature; the features are {string.Join(", ", RiskModel.FeatureNames)}.");
            }
            else if (!double.IsFinite(weight))
            {
                errors.Add($"{s}:Model:Weights:{feature} must be a finite number.");
            }
            else
            {
                weights[index] = weight;
            }
        }
        if (!double.IsFinite(options.Model.Intercept)) errors.Add($"{s}:Model:Intercept must be a finite number.");
        if (options.Model.ReviewAt is < 1 or > 100 || options.Model.BlockAt is < 1 or > 101 || options.Model.ReviewAt > options.Model.BlockAt)
        {
            errors.Add($"{s}:Model:ReviewAt and BlockAt must be 1-100 (BlockAt 101 turns model blocks off), ReviewAt not above BlockAt.");
        }
        if (options.Blocklist.RefreshInterval < TimeSpan.FromMilliseconds(100)) errors.Add($"{s}:Blocklist:RefreshInterval must be at least 100 ms.");

        var allow = options.AllowLists;
        FrozenSet<string>[] allowLists =
        [
            Normalized(BlocklistKinds.CardFingerprint, allow.CardFingerprints, "CardFingerprints"),
            Normalized(BlocklistKinds.Handle, allow.Handles, "Handles"),
            Normalized(BlocklistKinds.Ip, allow.Ips, "Ips"),
            Normalized(BlocklistKinds.Merchant, allow.Merchants, "Merchants"),
        ];
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        return (new RiskPolicy
        {
            AmountLimits = options.AmountLimits.ToFrozenDictionary(StringComparer.Ordinal),
            CountryMismatch = options.CountryMismatch,
            AllowLists = allowLists,
            VelocityRules = [.. rules],
            Intercept = options.Model.Intercept,
            Weights = weights,
            ModelReviewAt = options.Model.ReviewAt,
            ModelBlockAt = options.Model.BlockAt,
            FailClosed = velocity.WhenUnavailable == UnavailablePolicies.FailClosed,
            VelocityTimeout = velocity.Timeout,
            ProbeInterval = velocity.ProbeInterval,
            AllowCallerTime = velocity.AllowCallerTime,
            BlocklistRefresh = options.Blocklist.RefreshInterval,
            Source = options,
        }, errors);

        FrozenSet<string> Normalized(string kind, List<string> values, string key)
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            foreach (var value in values)
            {
                if (BlocklistKinds.Normalize(kind, value) is { Length: > 0 } normalized)
                {
                    set.Add(normalized);
                }
                else
                {
                    errors.Add($"{s}:AllowLists:{key} has an invalid {kind} '{value}'.");
                }
            }
            return set.ToFrozenSet(StringComparer.Ordinal);
        }
    }

    private static int IndexOf(IReadOnlyList<string> names, string? name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }
}
