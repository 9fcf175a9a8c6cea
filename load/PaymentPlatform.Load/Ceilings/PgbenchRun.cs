using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using PaymentPlatform.Load.Reporting;

namespace PaymentPlatform.Load.Ceilings;

/// <summary>
/// PostgreSQL's own write ceiling on the platform's server: a scratch database beside the platform's,
/// initialised with <c>pgbench -i</c>, measured with <c>pgbench -N -c 16 -j 2 -T n</c> (TPC-B-like without
/// the branch and teller updates), then dropped.
/// </summary>
public static partial class PgbenchRun
{
    public static async Task<PgbenchCeiling> MeasureAsync(string serverConnectionString, string runId, int seconds, CancellationToken cancellationToken)
    {
        var server = new NpgsqlConnectionStringBuilder(serverConnectionString) { Pooling = false };
        var database = $"load_pgbench_{runId}";
        await AdminAsync(server, $"CREATE DATABASE {database}", cancellationToken).ConfigureAwait(false);
        try
        {
            await PgbenchAsync(server, database, ["-i", "-q"], cancellationToken).ConfigureAwait(false);
            string[] measure = ["-N", "-c", "16", "-j", "2", "-T", seconds.ToString(CultureInfo.InvariantCulture)];
            var output = await PgbenchAsync(server, database, measure, cancellationToken).ConfigureAwait(false);
            var (tps, latency) = Parse(output);
            return new PgbenchCeiling($"pgbench {string.Join(' ', measure)} (scratch database {database}, pgbench -i, on the platform's server)", tps, latency, MeasurementConditions.LoadAverage());
        }
        finally
        {
            await AdminAsync(server, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)", CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Reads pgbench's summary: tps without the initial connection time, and the average latency.</summary>
    public static (double Tps, double LatencyAverageMs) Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var tps = TpsLine().Match(output);
        if (!tps.Success)
        {
            throw new InvalidOperationException($"pgbench printed no tps line:{Environment.NewLine}{output}");
        }
        var latency = LatencyLine().Match(output);
        return (double.Parse(tps.Groups["tps"].Value, CultureInfo.InvariantCulture),
            latency.Success ? double.Parse(latency.Groups["ms"].Value, CultureInfo.InvariantCulture) : double.NaN);
    }

    /// <summary>pgbench on PATH (Debian's wrapper picks the newest installed), else the newest under /usr/lib/postgresql.</summary>
    public static string FindBinary()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "pgbench")).FirstOrDefault(File.Exists);
        var versioned = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(dir => Path.Combine(dir, "bin", "pgbench")).Where(File.Exists).OrderDescending().FirstOrDefault()
            : null;
        return onPath ?? versioned ?? throw new InvalidOperationException(
            "pgbench is not installed: eng/prerequisites.sh installs it (Debian's postgresql-client), or pass --no-pgbench.");
    }

    private static async Task AdminAsync(NpgsqlConnectionStringBuilder server, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = "postgres" }.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<string> PgbenchAsync(NpgsqlConnectionStringBuilder server, string database, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(FindBinary())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["PGHOST"] = server.Host;
        start.Environment["PGPORT"] = server.Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["PGUSER"] = server.Username;
        start.Environment["PGPASSWORD"] = server.Password;
        start.Environment["PGDATABASE"] = database;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("pgbench did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }
        var output = await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false);
        return process.ExitCode == 0 ? output
            : throw new InvalidOperationException($"pgbench {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}: {output}");
    }

    [GeneratedRegex(@"tps = (?<tps>[0-9.]+) \(without initial connection time\)")]
    private static partial Regex TpsLine();

    [GeneratedRegex(@"latency average = (?<ms>[0-9.]+) ms")]
    private static partial Regex LatencyLine();
}
