using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using PaymentPlatform.Risk.Rules;
using PaymentPlatform.Risk.Telemetry;
using PaymentPlatform.ServiceDefaults.Http;
using PaymentPlatform.ServiceDefaults.Simulation;

namespace PaymentPlatform.Risk.Scoring;

internal static class ScoringApi
{
    public static RouteGroupBuilder MapScoringApi(this RouteGroupBuilder v1)
    {
        // Risk:Simulation:score:LatencyMs|ErrorRate (the fault suite's slow, erroring risk); no filter unless configured.
        v1.MapPost("/score", Score).WithSimulatedConditions("Risk:Simulation", "score");
        return v1;
    }

    /// <summary>
    /// A retry with the same <c>score_id</c> is counted once by velocity; its answer can still
    /// differ if other scorings or configuration changed in between.
    /// </summary>
    public static async Task<Results<Ok<ScoreResponse>, ProblemHttpResult>> Score(
        HttpRequest request, RiskScorer scorer, RiskPolicyProvider policies, RiskMetrics metrics, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
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
        if (score!.Validate(policies.Current.AllowCallerTime).Problem() is { } problem)
        {
            return problem;
        }
        var response = await scorer.ScoreAsync(score, cancellationToken);
        metrics.Scored(response.Decision, response.Reasons, RiskMetrics.Since(started));
        return TypedResults.Ok(response);
    }
}
