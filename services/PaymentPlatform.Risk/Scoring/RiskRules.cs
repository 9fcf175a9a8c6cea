using System.Globalization;
using PaymentPlatform.Risk.Blocklist;
using PaymentPlatform.Risk.Rules;
using PaymentPlatform.Risk.Velocity;

namespace PaymentPlatform.Risk.Scoring;

/// <summary>What a scoring is judged on, normalized once: the subjects as block lists and velocity compare them.</summary>
public sealed record ScoreFacts(ScoreRequest Request, VelocitySubjects Subjects, bool CountryMismatch)
{
    public static ScoreFacts From(ScoreRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var subjects = new VelocitySubjects(
            Normalize(BlocklistKinds.CardFingerprint, request.CardFingerprint),
            Normalize(BlocklistKinds.Handle, request.Handle),
            Normalize(BlocklistKinds.Merchant, request.MerchantId)!,
            Normalize(BlocklistKinds.Ip, request.Ip));
        var mismatch = request is { CardCountry: { } card, IpCountry: { } ip } && !string.Equals(card, ip, StringComparison.OrdinalIgnoreCase);
        return new ScoreFacts(request, subjects, mismatch);
    }

    /// <summary>The subject of a block-list kind (<see cref="BlocklistKinds.All"/> order: card, handle, ip, merchant).</summary>
    public string? Subject(int kind) => kind switch { 0 => Subjects.CardFingerprint, 1 => Subjects.Handle, 2 => Subjects.Ip, _ => Subjects.Merchant };

    private static string? Normalize(string kind, string? value) => value is null ? null : BlocklistKinds.Normalize(kind, value);
}

/// <summary>
/// The rules as a pure function, in a fixed order: allow lists, then block rules, then review
/// rules. The first stage with a rule that fires decides; every rule of that stage that fired is
/// reported. The final score combines the decision with the model: block 85-100 (100 for a
/// block-list match), review 65-74, allow 0-64, within each band as close to the model's score as it allows.
/// </summary>
public static class RiskRules
{
    public const int HighestScore = 85;
    public const int ElevatedScore = 70;
    public const int BlocklistedScore = 100;
    public const string VelocityUnavailable = "velocity_unavailable";

    /// <summary>Which block lists match, by <see cref="BlocklistKinds.All"/> index.</summary>
    public static bool[] BlocklistMatches(ScoreFacts facts, Func<string, string, bool> contains)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(contains);
        var matches = new bool[BlocklistKinds.All.Count];
        for (var kind = 0; kind < matches.Length; kind++)
        {
            matches[kind] = facts.Subject(kind) is { } value && contains(BlocklistKinds.All[kind], value);
        }
        return matches;
    }

    /// <summary>Whether rules that need no counts already block, so the velocity call can count the decline too.</summary>
    public static bool BlocksBeforeVelocity(ScoreFacts facts, RiskPolicy policy, bool[] blocklisted)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(blocklisted);
        if (AllowListHits(facts, policy).Count > 0)
        {
            return false;
        }
        var hits = new List<ReasonDetail>();
        StaticBlockHits(facts, policy, blocklisted, hits);
        return hits.Count > 0;
    }

    /// <param name="velocity">The counts, or null when Redis was unavailable.</param>
    public static ScoreResponse Evaluate(ScoreFacts facts, RiskPolicy policy, bool[] blocklisted, long[]? velocity)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(blocklisted);
        var request = facts.Request;
        var model = RiskModel.Score(policy, request.Amount ?? 0, facts.CountryMismatch, request.Ip is null, request.DeviceId is null, velocity);

        var hits = AllowListHits(facts, policy);
        if (hits.Count > 0)
        {
            return Respond(request, Decisions.Allow, Math.Min(model, 64), model, hits, velocity);
        }

        StaticBlockHits(facts, policy, blocklisted, hits);
        VelocityHits(policy, velocity, block: true, hits);
        if (model >= policy.ModelBlockAt)
        {
            hits.Add(new("model_highest_risk", RuleActions.Block, Invariant($"model score {model}, block from {policy.ModelBlockAt}")));
        }
        if (hits.Count > 0)
        {
            var score = blocklisted.Any(b => b) ? BlocklistedScore : Math.Max(model, HighestScore);
            return Respond(request, Decisions.Block, score, model, hits, velocity);
        }

        if (request.TestMode == true && request.CardBin == "400000" && request.CardLast4 == "9235")
        {
            hits.Add(new("test_elevated_risk", RuleActions.Review, "test card 4000000000009235 in test mode"));
        }
        if (policy.AmountLimits.TryGetValue(request.Currency!, out var limit) && limit.Review is { } review && request.Amount >= review)
        {
            hits.Add(new("amount_over_review_limit", RuleActions.Review, Invariant($"{request.Amount} {request.Currency}, review from {review}")));
        }
        if (facts.CountryMismatch && policy.CountryMismatch == RuleActions.Review)
        {
            hits.Add(CountryMismatch(request, RuleActions.Review));
        }
        VelocityHits(policy, velocity, block: false, hits);
        if (model >= policy.ModelReviewAt)
        {
            hits.Add(new("model_elevated_risk", RuleActions.Review, Invariant($"model score {model}, review from {policy.ModelReviewAt}")));
        }
        if (velocity is null && policy.FailClosed)
        {
            hits.Add(new(VelocityUnavailable, RuleActions.Review, "Redis is unavailable and the policy is FailClosed"));
        }
        return hits.Count > 0
            ? Respond(request, Decisions.Review, Math.Clamp(Math.Max(model, ElevatedScore), 65, 74), model, hits, velocity)
            : Respond(request, Decisions.Allow, Math.Min(model, 64), model, hits, velocity);
    }

    private static List<ReasonDetail> AllowListHits(ScoreFacts facts, RiskPolicy policy)
    {
        var hits = new List<ReasonDetail>();
        for (var kind = 0; kind < BlocklistKinds.All.Count; kind++)
        {
            if (facts.Subject(kind) is { } value && policy.AllowLists[kind].Contains(value))
            {
                hits.Add(new($"allowlisted_{BlocklistKinds.All[kind]}", RuleActions.Allow, $"{BlocklistKinds.All[kind]} is on the allow list"));
            }
        }
        return hits;
    }

    private static void StaticBlockHits(ScoreFacts facts, RiskPolicy policy, bool[] blocklisted, List<ReasonDetail> hits)
    {
        var request = facts.Request;
        for (var kind = 0; kind < blocklisted.Length; kind++)
        {
            if (blocklisted[kind])
            {
                hits.Add(new($"blocklisted_{BlocklistKinds.All[kind]}", RuleActions.Block, $"{BlocklistKinds.All[kind]} is on the block list"));
            }
        }
        // Test mode only (contracts.md, "Risk scoring"): 4000000000004954 by BIN and last 4.
        if (request.TestMode == true && request.CardBin == "400000" && request.CardLast4 == "4954")
        {
            hits.Add(new("test_highest_risk", RuleActions.Block, "test card 4000000000004954 in test mode"));
        }
        if (policy.AmountLimits.TryGetValue(request.Currency!, out var limit) && limit.Block is { } block && request.Amount >= block)
        {
            hits.Add(new("amount_over_block_limit", RuleActions.Block, Invariant($"{request.Amount} {request.Currency}, block from {block}")));
        }
        if (facts.CountryMismatch && policy.CountryMismatch == RuleActions.Block)
        {
            hits.Add(CountryMismatch(request, RuleActions.Block));
        }
    }

    private static void VelocityHits(RiskPolicy policy, long[]? velocity, bool block, List<ReasonDetail> hits)
    {
        if (velocity is null)
        {
            return;
        }
        foreach (var rule in policy.VelocityRules)
        {
            var count = velocity[rule.Index];
            if ((block ? rule.Block : rule.Review) is { } limit && count >= limit)
            {
                hits.Add(new(rule.Code, block ? RuleActions.Block : RuleActions.Review, Invariant($"{count} {rule.Description}, {(block ? "block" : "review")} from {limit}")));
            }
        }
    }

    private static ReasonDetail CountryMismatch(ScoreRequest request, string action) =>
        new("country_mismatch", action, $"card country {request.CardCountry!.ToUpperInvariant()}, IP country {request.IpCountry!.ToUpperInvariant()}");

    private static ScoreResponse Respond(ScoreRequest request, string decision, int score, int model, List<ReasonDetail> hits, long[]? velocity)
    {
        if (velocity is null && !hits.Exists(h => h.Code == VelocityUnavailable))
        {
            hits.Add(new(VelocityUnavailable, "none", "Redis is unavailable; scored without velocity counters"));
        }
        var reasons = new string[hits.Count];
        for (var i = 0; i < hits.Count; i++)
        {
            reasons[i] = hits[i].Code;
        }
        return new ScoreResponse(request.ScoreId!, score, decision, reasons, hits, model);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
