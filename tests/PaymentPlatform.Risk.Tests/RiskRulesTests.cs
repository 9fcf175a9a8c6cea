using PaymentPlatform.Risk.Rules;
using PaymentPlatform.Risk.Scoring;
using PaymentPlatform.Risk.Velocity;

namespace PaymentPlatform.Risk.Tests;

/// <summary>The rules and the model as the pure functions they are: no Redis, no database.</summary>
public class RiskRulesTests
{
    private static RiskPolicy Policy(Action<RiskOptions>? change = null)
    {
        var options = new RiskOptions
        {
            AmountLimits = { ["usd"] = new AmountLimit { Review = 500_000, Block = 5_000_000 } },
            Velocity = { Rules = { ["card_fingerprint_attempts_1m"] = new VelocityRuleOptions { Review = 5, Block = 10 } } },
            Model = { Intercept = -6 },
        };
        change?.Invoke(options);
        var (policy, errors) = RiskPolicy.Compile(options, isProduction: false);
        return policy ?? throw new InvalidOperationException(string.Join(" ", errors));
    }

    private static ScoreRequest Request(long amount = 1000, string? fingerprint = "fp_1", string? cardCountry = null, string? ipCountry = null) =>
        new("pay_1", "mer_1", amount, "usd", fingerprint, "424242", "4242", null, false, null, cardCountry, ipCountry);

    private static long[] Counts(int index, long value)
    {
        var counts = new long[VelocityDimensions.Count];
        counts[index] = value;
        return counts;
    }

    [Fact]
    public void BlockRulesWinOverReviewRulesAndOnlyTheDecidingStageIsReported()
    {
        var facts = ScoreFacts.From(Request(amount: 600_000, cardCountry: "US", ipCountry: "GB"));

        var score = RiskRules.Evaluate(facts, Policy(), [true, false, false, false], Counts(0, 1));

        Assert.Equal("block", score.Decision);
        Assert.Equal(["blocklisted_card_fingerprint"], score.Reasons);
        Assert.Equal(100, score.Score);
    }

    [Fact]
    public void EveryReviewRuleThatFiresIsReportedInOrder()
    {
        var facts = ScoreFacts.From(Request(amount: 600_000, cardCountry: "US", ipCountry: "GB"));

        var score = RiskRules.Evaluate(facts, Policy(), [false, false, false, false], Counts(0, 5));

        Assert.Equal("review", score.Decision);
        Assert.Equal(["amount_over_review_limit", "country_mismatch", "velocity_card_fingerprint_attempts_1m"], score.Reasons);
        Assert.InRange(score.Score, 65, 74);
    }

    [Fact]
    public void AVelocityCountAtTheBlockLimitBlocks()
    {
        var score = RiskRules.Evaluate(ScoreFacts.From(Request()), Policy(), [false, false, false, false], Counts(0, 10));

        Assert.Equal(("block", "velocity_card_fingerprint_attempts_1m"), (score.Decision, score.Reasons.Single()));
        Assert.Equal("10 attempts per card_fingerprint in 1m, block from 10", score.ReasonDetails.Single().Detail);
    }

    [Fact]
    public void WithoutCountsFailOpenAllowsAndFailClosedReviewsBothSayingWhy()
    {
        var facts = ScoreFacts.From(Request());

        var open = RiskRules.Evaluate(facts, Policy(), [false, false, false, false], velocity: null);
        var closed = RiskRules.Evaluate(facts, Policy(o => o.Velocity.WhenUnavailable = UnavailablePolicies.FailClosed), [false, false, false, false], velocity: null);

        Assert.Equal(("allow", "velocity_unavailable"), (open.Decision, open.Reasons.Single()));
        Assert.Equal(("review", "velocity_unavailable"), (closed.Decision, closed.Reasons.Single()));
    }

    [Fact]
    public void TheModelIsALogisticFunctionOfItsWeightedFeatures()
    {
        var policy = Policy(o =>
        {
            o.Model.Intercept = -1;
            o.Model.Weights["amount_log10"] = 0.5;
            o.Model.Weights["card_fingerprint_attempts_1h"] = 1;
        });
        // z = -1 + 0.5 * log10(1 + 99) + ln(1 + 2) = ln 3: 100 / (1 + 1/3) = 75; without the count z = 0: 50.
        var counts = Counts(VelocityDimensions.Index(0, 0, 1), 2);

        Assert.Equal(75, RiskModel.Score(policy, 99, countryMismatch: false, ipMissing: false, deviceMissing: false, counts));
        Assert.Equal(50, RiskModel.Score(policy, 99, countryMismatch: false, ipMissing: false, deviceMissing: false, velocity: null));
    }

    [Fact]
    public void CompilingNamesEveryInvalidKey()
    {
        var options = new RiskOptions
        {
            CountryMismatch = "maybe",
            AmountLimits = { ["usd"] = new AmountLimit { Review = 10, Block = 5 } },
            Velocity = { Rules = { ["card_attempts_1m"] = new VelocityRuleOptions { Review = 1 } }, WhenUnavailable = "Shrug", AllowCallerTime = true },
            Model = { Weights = { ["shoe_size"] = 1 } },
        };

        var (policy, errors) = RiskPolicy.Compile(options, isProduction: true);

        Assert.Null(policy);
        Assert.Collection(errors,
            e => Assert.StartsWith("Risk:AmountLimits:usd:Review", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Risk:CountryMismatch", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Risk:Velocity:Rules:card_attempts_1m", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Risk:Velocity:WhenUnavailable", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Risk:Velocity:AllowCallerTime", e, StringComparison.Ordinal),
            e => Assert.StartsWith("Risk:Model:Weights:shoe_size", e, StringComparison.Ordinal));
    }
}
