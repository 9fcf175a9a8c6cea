using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace PaymentPlatform.Ledger.Benchmarks;

/// <summary>
/// PostgreSQL's own write ceiling on the same server: <c>pgbench -N -c 16 -j 2 -T 30</c> (TPC-B-like without the
/// branch and teller updates: three writes and a read per transaction) in a scratch database beside ledgerdb.
/// </summary>
internal static partial class Pgbench
{
    private const string Database = "pgbench_scratch";

    public static string Binary() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", "pgbench")).Where(File.Exists).OrderDescending().FirstOrDefault()
              ?? throw new InvalidOperationException("pgbench not found under /usr/lib/postgresql/*/bin: apt-get install -y postgresql-client.")
            : throw new InvalidOperationException("pgbench not found: /usr/lib/postgresql does not exist. apt-get install -y postgresql.");

    public static async Task InitializeAsync(LedgerUnderTest ledger)
    {
        await using (var connection = await ledger.OpenAsync("postgres"))
        {
            await using var create = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Database}; CREATE DATABASE {Database}", connection);
            await create.ExecuteNonQueryAsync();
        }
        await RunAsync(ledger, ["-i", "-q", "-s", "16"]);
    }

    /// <summary>Runs the write benchmark; returns its transactions per second and average latency.</summary>
    public static async Task<(double Tps, double LatencyMs)> MeasureAsync(LedgerUnderTest ledger, int seconds)
    {
        var output = await RunAsync(ledger, ["-N", "-c", "16", "-j", "2", "-T", seconds.ToString(CultureInfo.InvariantCulture)]);
        var tps = Tps().Match(output);
        var latency = Latency().Match(output);
        if (!tps.Success)
        {
            throw new InvalidOperationException($"pgbench printed no tps:{Environment.NewLine}{output}");
        }
        return (double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture),
            latency.Success ? double.Parse(latency.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN);
    }

    private static async Task<string> RunAsync(LedgerUnderTest ledger, string[] arguments)
    {
        var server = new NpgsqlConnectionStringBuilder(ledger.ServerConnectionString);
        var start = new ProcessStartInfo(Binary()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments.Concat(["-h", server.Host!, "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-U", server.Username!, Database]))
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["PGPASSWORD"] = server.Password;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("pgbench did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = await stdout + await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pgbench {string.Join(' ', arguments)} exited with {process.ExitCode}:{Environment.NewLine}{output}");
        }
        return output;
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex Tps();

    [GeneratedRegex(@"latency average = ([0-9.]+) ms")]
    private static partial Regex Latency();
}
