namespace PaymentPlatform.Gateway.Downstream;

/// <summary>risk <c>POST /v1/score</c> (contracts.md, "Risk scoring").</summary>
internal sealed class RiskClient(HttpClient http)
{
    public Task<RiskScore> ScoreAsync(RiskScoreRequest request, CancellationToken cancellationToken) =>
        InternalCall.PostAsync<RiskScoreRequest, RiskScore>(http, "risk", "v1/score", request, $"{request.ScoreId}:score", cancellationToken);
}

internal sealed record RiskScoreRequest(
    string ScoreId,
    string MerchantId,
    long Amount,
    string Currency,
    string? CardFingerprint,
    string? CardBin,
    string? CardLast4,
    string? Handle,
    bool TestMode);

internal sealed record RiskScore(string ScoreId, double Score, string Decision, IReadOnlyList<string>? Reasons)
{
    public const string Allow = "allow";
    public const string Review = "review";
    public const string Block = "block";
}
