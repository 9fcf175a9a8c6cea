using System.Globalization;

namespace PaymentPlatform.Ledger.Benchmarks;

/// <summary>The command line: <c>--fill 10000000 --seconds 15 --pgbench-seconds 30 --accounts 10000 --hot 10 --clients 64 --batch-clients 4 --group-wait-ms 1</c>.</summary>
internal sealed record BenchmarkOptions(
    long Fill, int Seconds, int PgbenchSeconds, int Accounts, int HotAccounts, int Clients, int BatchClients, double GroupWaitMs)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        string? Value(string name) => Array.IndexOf(args, name) is >= 0 and var i && i + 1 < args.Length ? args[i + 1] : null;
        long Number(string name, long fallback) => Value(name) is { } v ? long.Parse(v, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) : fallback;
        return new BenchmarkOptions(
            Number("--fill", 10_000_000), (int)Number("--seconds", 15), (int)Number("--pgbench-seconds", 30),
            (int)Number("--accounts", 10_000), (int)Number("--hot", 10), (int)Number("--clients", 64), (int)Number("--batch-clients", 4),
            Value("--group-wait-ms") is { } wait ? double.Parse(wait, CultureInfo.InvariantCulture) : 1);
    }

    public override string ToString() =>
        $"--fill {Fill} --seconds {Seconds} --pgbench-seconds {PgbenchSeconds} --accounts {Accounts} --hot {HotAccounts} --clients {Clients} --batch-clients {BatchClients} --group-wait-ms {GroupWaitMs}";
}
