using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace PaymentPlatform.ServiceDefaults.Failpoints;

/// <summary>
/// Named places in the code where a fault test can make a service crash, fail or stall,
/// at exactly the moment it wants to test (after a commit, between two writes...).
/// Failpoints are compiled in but do nothing unless test configuration enables them:
/// <c>Failpoints:Directory</c> (where hits are recorded) and <c>Failpoints:Points:{name}</c>
/// with an action: <c>crash</c>, <c>crash-once</c>, <c>error</c>, <c>error-once</c> or
/// <c>delay:{milliseconds}</c>. Each hit is appended to <c>{directory}/{name}.hits</c>, so the
/// test can assert its failpoint fired (and "once" holds across the crash it causes).
/// They refuse to be enabled in the Production environment.
/// </summary>
public sealed class Failpoints
{
    private readonly IReadOnlyDictionary<string, string> _points;
    private readonly string? _directory;
    private readonly Lock _lock = new();

    /// <summary>Reads the failpoints enabled by configuration; none in a normal run.</summary>
    public Failpoints(IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        _points = configuration.GetSection("Failpoints:Points").GetChildren()
            .Where(c => !string.IsNullOrEmpty(c.Value))
            .ToDictionary(c => c.Key, c => c.Value!, StringComparer.Ordinal);
        _directory = configuration["Failpoints:Directory"];
        if (_points.Count == 0)
        {
            return;
        }
        if (environment.IsProduction())
        {
            throw new InvalidOperationException("Failpoints are configured (Failpoints:Points) in Production. They exist for fault tests only; remove that configuration.");
        }
        if (string.IsNullOrEmpty(_directory))
        {
            throw new InvalidOperationException("Failpoints:Points is set but Failpoints:Directory is not; tests need the folder where hits are recorded.");
        }
    }

    /// <summary>Whether any failpoint is enabled (false in every normal run).</summary>
    public bool Enabled => _points.Count > 0;

    /// <summary>Passes the named failpoint: nothing happens unless a test enabled it.</summary>
    public async ValueTask HitAsync(string name, CancellationToken cancellationToken = default)
    {
        if (_points.Count == 0 || !_points.TryGetValue(name, out var action))
        {
            return;
        }
        int previousHits;
        lock (_lock)
        {
            var path = Path.Combine(_directory!, name + ".hits");
            previousHits = File.Exists(path) ? File.ReadAllLines(path).Length : 0;
            File.AppendAllText(path, $"{Environment.ProcessId} {DateTimeOffset.UtcNow:O}{Environment.NewLine}");
        }
        var once = action.EndsWith("-once", StringComparison.Ordinal);
        if (once && previousHits > 0)
        {
            return;
        }
        switch (once ? action[..^"-once".Length] : action)
        {
            case "crash":
                // SIGKILL of ourselves: no finally blocks, no flush, as a power cut or OOM kill would.
                Process.GetCurrentProcess().Kill();
                await Task.Delay(Timeout.Infinite, CancellationToken.None).ConfigureAwait(false);
                break;
            case "error":
                throw new FailpointException(name);
            case var delay when delay.StartsWith("delay:", StringComparison.Ordinal):
                await Task.Delay(int.Parse(delay["delay:".Length..], CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new InvalidOperationException($"Failpoint '{name}' has an unknown action '{action}'. Use crash, crash-once, error, error-once or delay:<ms>.");
        }
    }
}

/// <summary>Thrown by a failpoint whose action is <c>error</c>.</summary>
public sealed class FailpointException(string name) : Exception($"Failpoint '{name}' fired.");
