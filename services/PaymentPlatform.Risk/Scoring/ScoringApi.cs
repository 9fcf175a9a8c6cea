using Microsoft.AspNetCore.Http.HttpResults;
using PaymentPlatform.Risk.Blocklist;
using PaymentPlatform.ServiceDefaults.Http;

namespace PaymentPlatform.Risk.Scoring;

internal static class ScoringApi
{
    public static RouteGroupBuilder MapScoringApi(this RouteGroupBuilder v1)
    {
        v1.MapPost("/score", Score);
        return v1;
    }

    /// <summary>Scoring changes no state yet, so a retry with the same <c>score_id</c> gets the same answer.</summary>
    public static async Task<Results<Ok<ScoreResponse>, ProblemHttpResult>> Score(
        HttpRequest request, BlocklistStore blocklist, CancellationToken cancellationToken)
    {
        var (body, invalid) = await RequestBody.ReadAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        var (score, wrongType) = RequestBody.Convert<ScoreRequest>(body, request);
        if (wrongType is not null)
        {
            return wrongType;
        }
        if (score!.Validate().Problem() is { } problem)
        {
            return problem;
        }
        var blocked = await blocklist.BlockedKindsAsync(RiskRules.BlocklistCandidates(score), cancellationToken);
        return TypedResults.Ok(RiskRules.Evaluate(score, blocked));
    }
}
