using PaymentPlatform.Risk.Blocklist;

namespace PaymentPlatform.Risk.Scoring;

/// <summary>
/// The rules as a pure function of the request and what the block lists matched. Velocity,
/// amount thresholds and configurable rules come with the risk issue.
/// </summary>
public static class RiskRules
{
    public const int AllowScore = 10;
    public const int ElevatedScore = 70;
    public const int HighestScore = 85;
    public const int BlocklistedScore = 100;

    /// <summary>The (kind, normalized value) pairs of a request that the block lists are checked for.</summary>
    public static IReadOnlyList<(string Kind, string Value)> BlocklistCandidates(ScoreRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var candidates = new List<(string, string)>();
        void Add(string kind, string? value)
        {
            if (!string.IsNullOrEmpty(value) && BlocklistKinds.Normalize(kind, value) is { } normalized)
            {
                candidates.Add((kind, normalized));
            }
        }
        Add(BlocklistKinds.CardFingerprint, request.CardFingerprint);
        Add(BlocklistKinds.Handle, request.Handle);
        Add(BlocklistKinds.Ip, request.Ip);
        Add(BlocklistKinds.Merchant, request.MerchantId);
        return candidates;
    }

    public static ScoreResponse Evaluate(ScoreRequest request, IReadOnlySet<string> blocklistedKinds)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(blocklistedKinds);
        var reasons = new List<string>();
        var score = AllowScore;
        var decision = Decisions.Allow;

        foreach (var kind in BlocklistKinds.All.Where(blocklistedKinds.Contains))
        {
            reasons.Add($"blocklisted_{kind}");
            (score, decision) = (BlocklistedScore, Decisions.Block);
        }

        // Test mode only (contracts.md, "Risk scoring"): 4000000000004954 and 4000000000009235 by BIN and last 4.
        if (request.TestMode == true && request.CardBin is "400000")
        {
            if (request.CardLast4 == "4954")
            {
                reasons.Add("test_highest_risk");
                (score, decision) = (Math.Max(score, HighestScore), Decisions.Block);
            }
            else if (request.CardLast4 == "9235")
            {
                reasons.Add("test_elevated_risk");
                if (decision == Decisions.Allow)
                {
                    (score, decision) = (ElevatedScore, Decisions.Review);
                }
            }
        }
        return new ScoreResponse(request.ScoreId!, score, decision, reasons);
    }
}
