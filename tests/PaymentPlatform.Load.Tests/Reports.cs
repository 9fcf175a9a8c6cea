using PaymentPlatform.Load.Ceilings;
using PaymentPlatform.Load.Reporting;

namespace PaymentPlatform.Load.Tests;

/// <summary>Reports built from figures, for the tests of what reads them (comparison, ceilings, rendering).</summary>
internal static class Reports
{
    public static LatencySummary Latency(double p50, double p99, double p999, long count = 1000) =>
        new(count, p50, p50 * 1.5, p99, p999, p999 * 1.2, p50);

    public static OperationReport Operation(string name, LatencySummary latency, long errors = 0) =>
        new(name, latency, errors, new Dictionary<string, long>());

    public static StepReport Step(string name, double rate, params OperationReport[] operations) =>
        new(name, operations[0].Name, 10, rate, rate, rate, operations[0].Latency, operations.Sum(o => o.Errors),
            new Dictionary<string, long>(), operations, [], [], [], new GeneratorHealth(0.1, 0.5, 1, 0, null));

    public static RunReport Run(IReadOnlyList<StepReport> steps, CeilingReport? ceilings = null, Breakpoint? breakpoint = null) =>
        new("payments-200", DateTimeOffset.UnixEpoch, 60, Conditions, steps, [], breakpoint, [], ceilings);

    public static CeilingReport CeilingsOf(double? saturation, double? pgbenchTps) => new(
        saturation is null ? null : new HelloSaturation(saturation, 50, 3, []),
        pgbenchTps is { } tps ? new PgbenchCeiling("pgbench -N -c 16 -j 2 -T 30", tps, 8.9, "1.00 1.00 1.00") : null,
        [], []);

    /// <summary>A payments step with the hello-world beside it: the payment's and the hello-world's p99.</summary>
    public static StepReport PaymentsBesideHello(double paymentP99, double helloP99, double rate = 200, long errors = 0) =>
        Step("payments 200/s", rate,
            Operation("POST /v1/payments", Latency(paymentP99 / 4, paymentP99, paymentP99 * 1.5), errors),
            Operation(CeilingMaths.HelloBesideOperation, Latency(helloP99 / 4, helloP99, helloP99 * 1.5)));

    private static readonly MeasurementConditions Conditions = new(2, "test cpu", "1 GiB", "test os", ".NET test", "1.00 1.00 1.00", "1.00 1.00 1.00",
        "test target", [], "dotnet run -- --scenario payments-200");
}
