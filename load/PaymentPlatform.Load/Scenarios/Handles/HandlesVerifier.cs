using PaymentPlatform.Load.Reporting;
using PaymentPlatform.Load.Scenarios.Payments;

namespace PaymentPlatform.Load.Scenarios.Handles;

/// <summary>
/// The end-of-run checks: answers agree with the directory's rules, and asking again about a
/// sample of handles gives the same answer (the caches served values, not stale or mixed ones).
/// </summary>
public sealed class HandlesVerifier(GatewayClient gateway, LoadMerchants merchants, HandlesScenario scenario)
{
    private const int Sample = 200;

    public async Task<IReadOnlyList<VerificationCheck>> VerifyAsync(CancellationToken cancellationToken)
    {
        var answers = scenario.Answers;
        var wrong = answers.Where(a => !a.Key.StartsWith("inactive", StringComparison.Ordinal) && a.Value.Valid != HandlesScenario.Exists(a.Key))
            .Select(a => $"{a.Key}: valid={a.Value.Valid}").ToList();

        var changed = new List<string>();
        foreach (var (handle, first) in answers.Take(Sample))
        {
            var again = await gateway.ValidateHandleAsync(merchants[0].SecretKey, handle, cancellationToken).ConfigureAwait(false);
            if (again.Value is null || again.Value.Valid != first.Valid || again.Value.Name != first.Name)
            {
                changed.Add($"{handle}: first valid={first.Valid} name={first.Name}, then {again.Value?.ToString() ?? again.Kind}");
            }
        }
        return
        [
            new($"downstream requests: {scenario.DownstreamRate:0} per second over the run ({scenario.Validations} validations x {HandlesScenario.DownstreamPerValidation}: ValAdd, status, risk score, one Redis call; the contract's fan-out of the answers, not metered at the services)",
                true, "reported, not checked"),
            new("every answer agrees with the directory's rules (unknown… handles are not valid, others are)", answers.Count > 0 && wrong.Count == 0,
                $"{answers.Count} distinct handles answered{Examples(wrong)}"),
            new("asking again gives the same answer", changed.Count == 0,
                $"{Math.Min(Sample, answers.Count)} handles asked again{Examples(changed)}"),
        ];
    }

    private static string Examples(List<string> problems) =>
        problems.Count == 0 ? "" : $"; {problems.Count} problems, e.g. {string.Join("; ", problems.Take(5))}";
}
