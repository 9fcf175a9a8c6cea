using PaymentPlatform.Load.Ceilings;
using PaymentPlatform.Load.Engine;

namespace PaymentPlatform.Load.Scenarios.Hello;

/// <summary>
/// Runs <paramref name="inner"/> and, at each arrival's due time, <c>GET /</c> on the hello-world process
/// (the last operation, timed from the same due time), so the HTTP ceiling is measured at the same rate,
/// in the same run, under the same machine load as the scenario it stands beside.
/// </summary>
public sealed class HelloBesideScenario(IScenario inner, HttpClient hello) : IScenario
{
    public string Name => inner.Name;

    public IReadOnlyList<string> Operations { get; } = [.. inner.Operations, CeilingMaths.HelloBesideOperation];

    public Task ExecuteAsync(Arrival arrival, IOutcomeRecorder recorder, CancellationToken cancellationToken) =>
        Task.WhenAll(inner.ExecuteAsync(arrival, recorder, cancellationToken), HelloAsync(arrival, recorder, cancellationToken));

    private async Task HelloAsync(Arrival arrival, IOutcomeRecorder recorder, CancellationToken cancellationToken) =>
        recorder.Record(Operations.Count - 1, arrival.DueTimestamp, await HelloScenario.GetAsync(hello, cancellationToken).ConfigureAwait(false));
}
