using System.Globalization;

namespace PaymentPlatform.Load.Cli;

/// <summary>The command line, parsed once; every value has a default a reference run can use.</summary>
public sealed record LoadOptions
{
    public const string Usage = """
        PaymentPlatform load generator (open model: requests start on schedule whatever the server does)

          dotnet run -c Release --project load/PaymentPlatform.Load -- --scenario <name> [options]
          dotnet run -c Release --project load/PaymentPlatform.Load -- compare <baseline report.json> <candidate report.json> [--tolerance 10%]

        scenarios
          hello          GET / on load/PaymentPlatform.HelloWorld (the HTTP ceiling); --rates 1000,5000 runs one step per rate
          payments-200   card payments at --rate (200/s): authorise + capture, declines, refunds, same-key retries
          handles-200    payment-handle validations: --baseline (50/s), then --peak (200/s)
          stress         payments at a rate that climbs by --step-rate until p99 passes --p99-limit-ms or errors appear
          spike          payments at --rate, then 3x --rate, then back
          soak           payments at --rate (100/s) for --duration (600 s), latency and memory per --soak-interval; flags drift
          retry-storm    payments at --rate (50/s), each create sent 2-5 times at once with the same key
          faults         payments at --rate (20/s) while faults are injected one by one (docs/reliability.md):
                         --faults a,b,c (default: all), --fault-gap S between faults (default 30)

        target (default: the generator starts it: HelloWorld for hello, else the whole AppHost)
          --url URL               send to a target that is already running
          --admin-key KEY         the gateway's admin key, with --url (payment scenarios)
          --ledger-url URL --internal-token T         with --url: the ledger's internal API, for the ledger checks
          --dashboard-url URL --dashboard-token T     with --url: the host dashboard's telemetry API, for the trace check (and a soak's GC heaps)

        schedule
          --rate N                requests per second (hello 1000, payments 200, spike baseline 100)
          --rates N,N,...         hello only: one step per rate
          --duration S            measured seconds per step or stage (default 20; soak: the whole soak, 600)
          --warmup S              unmeasured seconds at the rate first (default 5)
          --ramp S                unmeasured seconds ramping from a tenth of the rate (default 2)
          --baseline N --peak N   handles-200 (50 and 200)
          --start-rate N --step-rate N --max-rate N --p99-limit-ms MS   stress (200, 200, 5000, 50)
          --soak-interval S       soak: seconds per reported interval (default 60)

        ceilings (payment and handles scenarios; measured after the verification, see docs/load.md)
          every step also times GET / on load/PaymentPlatform.HelloWorld at the same due times
          --no-saturation         skip the hello-world saturation search (doubling rates, p99 within --p99-limit-ms)
          --saturation-seconds S  measured seconds per saturation step (default 3)
          --no-pgbench            skip pgbench -N -c 16 -j 2 on the platform's PostgreSQL server
          --pgbench-seconds S     pgbench's -T (default 30)

        load shape
          --merchants N           merchants to spread over (default 50)
          --cards N               distinct card numbers (default 10000)
          --timeout S             per-request time-out (default 10)
          --max-in-flight N       requests in flight before the generator drops (and says so) (default 20000)
          --connections N         connections per server (default 1024)

        output
          --out DIR               where report.txt, report.json and report.html go (default load/results/<scenario>-<time>)
          --plain                 plain progress lines even on a terminal
        """;

    public required string Scenario { get; init; }

    public Uri? Url { get; init; }

    public string? AdminKey { get; init; }

    /// <summary>With <see cref="Url"/>: the ledger's internal API and the platform's internal token (else the ledger checks are skipped).</summary>
    public Uri? LedgerUrl { get; init; }

    public string? InternalToken { get; init; }

    /// <summary>With <see cref="Url"/>: the host dashboard and its browser token (else the trace check is skipped).</summary>
    public Uri? DashboardUrl { get; init; }

    public string? DashboardToken { get; init; }

    public double? Rate { get; init; }

    public IReadOnlyList<double> Rates { get; init; } = [];

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(20);

    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan Ramp { get; init; } = TimeSpan.FromSeconds(2);

    public double Baseline { get; init; } = 50;

    public double Peak { get; init; } = 200;

    public double StartRate { get; init; } = 200;

    public double StepRate { get; init; } = 200;

    public double MaxRate { get; init; } = 5000;

    public double P99LimitMs { get; init; } = 50;

    public int Merchants { get; init; } = 50;

    public int Cards { get; init; } = 10_000;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public int MaxInFlight { get; init; } = 20_000;

    public int Connections { get; init; } = 1024;

    public string? Out { get; init; }

    public bool Plain { get; init; }

    public TimeSpan SoakInterval { get; init; } = TimeSpan.FromSeconds(60);

    public bool Saturation { get; init; } = true;

    public TimeSpan SaturationSeconds { get; init; } = TimeSpan.FromSeconds(3);

    public bool Pgbench { get; init; } = true;

    public int PgbenchSeconds { get; init; } = 30;

    /// <summary>A soak's default length: long enough for a leak or a queue to show.</summary>
    public static readonly TimeSpan SoakDefaultDuration = TimeSpan.FromMinutes(10);

    /// <summary>The faults scenario's faults by name (Faults/FaultCatalog.cs); empty: all of them.</summary>
    public IReadOnlyList<string> Faults { get; init; } = [];

    /// <summary>The faults scenario's time from one fault to the next: the fault, and the platform's recovery from it.</summary>
    public TimeSpan FaultGap { get; init; } = TimeSpan.FromSeconds(30);

    public string CommandLine { get; init; } = "";

    public static readonly string[] Scenarios = ["hello", "payments-200", "handles-200", "stress", "spike", "soak", "retry-storm", "faults"];

    /// <summary>Parses <paramref name="args"/>; throws <see cref="FormatException"/> with what was wrong.</summary>
    public static LoadOptions Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new FormatException($"Unexpected argument '{args[i]}'.");
            }
            if (args[i] is "--plain" or "--help" or "--no-pgbench" or "--no-saturation")
            {
                flags.Add(args[i]);
            }
            else if (i + 1 < args.Length)
            {
                values[args[i]] = args[++i];
            }
            else
            {
                throw new FormatException($"{args[i]} needs a value.");
            }
        }
        if (flags.Contains("--help") || !values.TryGetValue("--scenario", out var scenario))
        {
            throw new FormatException("Choose a scenario with --scenario.");
        }
        if (!Scenarios.Contains(scenario))
        {
            throw new FormatException($"Unknown scenario '{scenario}'; choose one of {string.Join(", ", Scenarios)}.");
        }
        double Number(string name, double fallback) => values.Remove(name, out var v)
            ? double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n : throw new FormatException($"{name} needs a number, not '{v}'.")
            : fallback;
        TimeSpan Seconds(string name, TimeSpan fallback) => TimeSpan.FromSeconds(Number(name, fallback.TotalSeconds));
        values.Remove("--scenario");
        var defaults = new LoadOptions { Scenario = scenario };
        var options = new LoadOptions
        {
            Scenario = scenario,
            Url = values.Remove("--url", out var url) ? new Uri(url, UriKind.Absolute) : null,
            AdminKey = values.Remove("--admin-key", out var key) ? key : null,
            LedgerUrl = values.Remove("--ledger-url", out var ledgerUrl) ? new Uri(ledgerUrl, UriKind.Absolute) : null,
            InternalToken = values.Remove("--internal-token", out var internalToken) ? internalToken : null,
            DashboardUrl = values.Remove("--dashboard-url", out var dashboardUrl) ? new Uri(dashboardUrl, UriKind.Absolute) : null,
            DashboardToken = values.Remove("--dashboard-token", out var dashboardToken) ? dashboardToken : null,
            Rate = values.ContainsKey("--rate") ? Number("--rate", 0) : null,
            Rates = values.Remove("--rates", out var rates)
                ? [.. rates.Split(',').Select(r => double.Parse(r, NumberStyles.Float, CultureInfo.InvariantCulture))]
                : [],
            Duration = Seconds("--duration", scenario == "soak" ? SoakDefaultDuration : defaults.Duration),
            WarmUp = Seconds("--warmup", defaults.WarmUp),
            Ramp = Seconds("--ramp", defaults.Ramp),
            Baseline = Number("--baseline", defaults.Baseline),
            Peak = Number("--peak", defaults.Peak),
            StartRate = Number("--start-rate", defaults.StartRate),
            StepRate = Number("--step-rate", defaults.StepRate),
            MaxRate = Number("--max-rate", defaults.MaxRate),
            P99LimitMs = Number("--p99-limit-ms", defaults.P99LimitMs),
            Merchants = (int)Number("--merchants", defaults.Merchants),
            Cards = (int)Number("--cards", defaults.Cards),
            Timeout = Seconds("--timeout", defaults.Timeout),
            MaxInFlight = (int)Number("--max-in-flight", defaults.MaxInFlight),
            Connections = (int)Number("--connections", defaults.Connections),
            Out = values.Remove("--out", out var output) ? output : null,
            Plain = flags.Contains("--plain"),
            SoakInterval = Seconds("--soak-interval", defaults.SoakInterval),
            Saturation = !flags.Contains("--no-saturation"),
            SaturationSeconds = Seconds("--saturation-seconds", defaults.SaturationSeconds),
            Pgbench = !flags.Contains("--no-pgbench"),
            PgbenchSeconds = (int)Number("--pgbench-seconds", defaults.PgbenchSeconds),
            Faults = values.Remove("--faults", out var faults) ? [.. faults.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] : [],
            FaultGap = Seconds("--fault-gap", defaults.FaultGap),
            CommandLine = string.Join(' ', args),
        };
        if (values.Count > 0)
        {
            throw new FormatException($"Unknown option {string.Join(", ", values.Keys)}.");
        }
        if (options.Duration <= TimeSpan.Zero)
        {
            throw new FormatException("--duration must be more than 0.");
        }
        if (options.SoakInterval <= TimeSpan.Zero || options.SaturationSeconds <= TimeSpan.Zero || options.PgbenchSeconds <= 0)
        {
            throw new FormatException("--soak-interval, --saturation-seconds and --pgbench-seconds must be more than 0.");
        }
        return options;
    }
}
