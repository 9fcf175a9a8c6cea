using System.Net.Http.Headers;
using System.Net.Http.Json;
using PaymentPlatform.Hosting;

namespace PaymentPlatform.Load.Faults;

/// <summary>
/// Changes a service's simulated latency and error rate while it runs: <c>PUT /v1/simulated_conditions/{route}</c>
/// on every replica, with the platform's internal token (ServiceDefaults' Simulation; the services run with
/// <c>Simulation:RuntimeChanges</c> on only in a fault run).
/// </summary>
public sealed class SimulatedConditionsClient(DistributedApplication app, string internalToken) : IDisposable
{
    /// <summary>The environment that turns runtime changes on in a service (off by default, refused in Production).</summary>
    public const string RuntimeChangesVariable = "Simulation__RuntimeChanges";

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public async Task SetAsync(string resource, string route, int latencyMs, double errorRate, CancellationToken cancellationToken)
    {
        var replicas = app.ResourceNotifications.Get(resource)?.Replicas ?? [];
        foreach (var url in replicas.Select(r => r.Url).OfType<string>())
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, new Uri($"{url.TrimEnd('/')}/v1/simulated_conditions/{route}"))
            {
                Content = JsonContent.Create(new Dictionary<string, object> { ["latency_ms"] = latencyMs, ["error_rate"] = errorRate }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", internalToken);
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException(
                    $"{resource} at {url} refused simulated conditions for '{route}': {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
            }
        }
    }

    public void Dispose() => _http.Dispose();
}
