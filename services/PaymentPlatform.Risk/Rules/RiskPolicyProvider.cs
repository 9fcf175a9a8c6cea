using Microsoft.Extensions.Options;

namespace PaymentPlatform.Risk.Rules;

/// <summary>
/// The current <see cref="RiskPolicy"/>. Invalid options stop the service at start; an invalid
/// reload is logged and ignored, so a bad edit never leaves a running service without rules.
/// Validation is done here rather than by an <c>IValidateOptions</c>, whose exception would be
/// thrown from inside the configuration reload callback.
/// </summary>
public sealed partial class RiskPolicyProvider : IDisposable
{
    private readonly IHostEnvironment _environment;
    private readonly ILogger<RiskPolicyProvider> _logger;
    private readonly IDisposable? _subscription;
    private volatile RiskPolicy _current;
    private int _version = 1;

    private readonly RuleHistory _history;

    public RiskPolicyProvider(IOptionsMonitor<RiskOptions> options, IHostEnvironment environment, RuleHistory history, ILogger<RiskPolicyProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _environment = environment;
        _history = history;
        _logger = logger;
        var (policy, errors) = RiskPolicy.Compile(options.CurrentValue, environment.IsProduction());
        _current = policy ?? throw new OptionsValidationException(RiskOptions.SectionName, typeof(RiskOptions), errors);
        _subscription = options.OnChange(Reload);
    }

    public RiskPolicy Current => _current;


    private void Reload(RiskOptions options)
    {
        var (policy, errors) = RiskPolicy.Compile(options, _environment.IsProduction());
        if (policy is null)
        {
            LogRejected(_logger, string.Join(" ", errors));
            return;
        }
        _current = policy;
        var version = Interlocked.Increment(ref _version);
        LogReloaded(_logger, version, policy.VelocityRules.Length, policy.AmountLimits.Count, policy.CountryMismatch,
            policy.FailClosed ? UnavailablePolicies.FailClosed : UnavailablePolicies.FailOpen);
        _ = _history.RecordAsync(options, CancellationToken.None);
    }

    public void Dispose() => _subscription?.Dispose();

    [LoggerMessage(1, LogLevel.Information, "Risk rules reloaded from configuration (version {Version}): {VelocityRules} velocity rules, amount limits for {Currencies} currencies, country mismatch {CountryMismatch}, Redis-down policy {Policy}.")]
    private static partial void LogReloaded(ILogger logger, int version, int velocityRules, int currencies, string countryMismatch, string policy);

    [LoggerMessage(2, LogLevel.Error, "Risk configuration change rejected; the previous rules stay in force: {Errors}")]
    private static partial void LogRejected(ILogger logger, string errors);
}
