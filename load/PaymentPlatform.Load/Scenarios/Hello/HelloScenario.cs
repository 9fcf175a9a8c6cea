using System.Net;
using PaymentPlatform.Load.Engine;

namespace PaymentPlatform.Load.Scenarios.Hello;

/// <summary>GET / on the hello-world project: the ceiling every other figure is compared with.</summary>
public sealed class HelloScenario(HttpClient http) : IScenario
{
    private static readonly Uri Root = new("/", UriKind.Relative);

    public string Name => "hello";

    public IReadOnlyList<string> Operations { get; } = ["GET /"];

    public async Task ExecuteAsync(Arrival arrival, IOutcomeRecorder recorder, CancellationToken cancellationToken) =>
        recorder.Record(0, arrival.DueTimestamp, await GetAsync(http, cancellationToken).ConfigureAwait(false));

    /// <summary>One <c>GET /</c>: ok on 200, else an error named by its status or failure.</summary>
    public static async Task<Outcome> GetAsync(HttpClient http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        try
        {
            using var response = await http.GetAsync(Root, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.OK ? Outcome.Ok : Outcome.Error($"http {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return Outcome.FromException(ex);
        }
    }
}
