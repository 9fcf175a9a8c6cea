using PaymentPlatform.Risk.Blocklist;
using PaymentPlatform.Risk.Rules;
using PaymentPlatform.Risk.Velocity;

namespace PaymentPlatform.Risk.Scoring;

/// <summary>
/// One scoring: block lists from memory, one Redis round trip for every velocity count, then the
/// rules and the model as a pure function.
/// </summary>
public sealed class RiskScorer(BlocklistCache blocklist, VelocityCounter velocity, RiskPolicyProvider policies)
{
    public async ValueTask<ScoreResponse> ScoreAsync(ScoreRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var policy = policies.Current;
        var facts = ScoreFacts.From(request);
        var blocked = RiskRules.BlocklistMatches(facts, blocklist.Contains);
        var declined = RiskRules.BlocksBeforeVelocity(facts, policy, blocked);
        var counts = await velocity.CountAsync(request.ScoreId!, facts.Subjects, declined, request.Now, cancellationToken);
        var response = RiskRules.Evaluate(facts, policy, blocked, counts);
        if (response.Decision == Decisions.Block && !declined && counts is not null)
        {
            // Velocity or the model blocked: the decline could only be known after the counts.
            _ = velocity.RecordDeclineAsync(request.ScoreId!, facts.Subjects, request.Now);
        }
        return response;
    }
}
