using Microsoft.Extensions.Options;

namespace PaymentPlatform.Risk.Tests;

/// <summary>Rules bound from configuration: checked at start, reloaded on change, the reload logged.</summary>
[Collection(RiskCollection.Name)]
public class ConfigurationTests(RiskFixture fixture)
{
    [Fact]
    public async Task AChangedRulesFileReloadsWithoutARestartAndTheReloadIsLogged()
    {
        var file = Path.Combine(Path.GetTempPath(), $"risk-rules-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{ "Risk": { "AmountLimits": { "usd": { "Review": 1000, "Block": 100000 } } } }""");
        try
        {
            await using var risk = await fixture.StartReplicaAsync(rulesFile: file);
            Assert.Equal("review", (await risk.ScoreAsync(Requests.Score(("amount", 1500)))).Decision());

            await File.WriteAllTextAsync(file, """{ "Risk": { "AmountLimits": { "usd": { "Review": 2000, "Block": 100000 } } } }""");

            await Eventually.Async(() => risk.ScoreAsync(Requests.Score(("amount", 1500))), s => s.Decision() == "allow",
                TimeSpan.FromSeconds(10), "the new review limit to apply");
            Assert.Equal("review", (await risk.ScoreAsync(Requests.Score(("amount", 2000)))).Decision());
            Assert.True(risk.Logs.Contains("Risk rules reloaded from configuration"), "the reload is logged");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task AnInvalidChangeIsLoggedAndThePreviousRulesStayInForce()
    {
        var file = Path.Combine(Path.GetTempPath(), $"risk-rules-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{ "Risk": { "CountryMismatch": "block" } }""");
        try
        {
            await using var risk = await fixture.StartReplicaAsync(rulesFile: file);

            await File.WriteAllTextAsync(file, """{ "Risk": { "CountryMismatch": "sometimes" } }""");

            await Eventually.Async(() => Task.FromResult(risk.Logs.Contains("Risk configuration change rejected")), rejected => rejected,
                TimeSpan.FromSeconds(10), "the rejection to be logged");
            var score = await risk.ScoreAsync(Requests.Score(("card_country", "US"), ("ip_country", "GB")));
            Assert.Equal("block", score.Decision());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task TheRulesAReplicaStartsWithAndReloadsAreRecordedInRiskdb()
    {
        var file = Path.Combine(Path.GetTempPath(), $"risk-rules-{Guid.NewGuid():N}.json");
        var (before, after) = (-5 - Random.Shared.NextDouble(), -5 - Random.Shared.NextDouble());
        await File.WriteAllTextAsync(file, $$"""{ "Risk": { "Model": { "Intercept": {{before.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}} } } }""");
        try
        {
            await using var risk = await fixture.StartReplicaAsync(rulesFile: file);
            Assert.Equal(1, await VersionsWithInterceptAsync(before));

            await File.WriteAllTextAsync(file, $$"""{ "Risk": { "Model": { "Intercept": {{after.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}} } } }""");

            await Eventually.Async(() => VersionsWithInterceptAsync(after), n => n == 1, TimeSpan.FromSeconds(10), "the reloaded rules to be recorded");
        }
        finally
        {
            File.Delete(file);
        }
    }

    private async Task<long> VersionsWithInterceptAsync(double intercept)
    {
        await using var connection = new Npgsql.NpgsqlConnection(fixture.RiskDb);
        await connection.OpenAsync();
        await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM rule_versions WHERE (options -> 'Model' ->> 'Intercept')::float8 = $1", connection);
        count.Parameters.Add(new() { Value = intercept });
        return (long)(await count.ExecuteScalarAsync())!;
    }

    [Theory]
    [InlineData("Risk:CountryMismatch", "sometimes", "Risk:CountryMismatch")]
    [InlineData("Risk:Velocity:Rules:card_fingerprint_attempts_1w:Review", "3", "Risk:Velocity:Rules:card_fingerprint_attempts_1w")]
    [InlineData("Risk:Velocity:WhenUnavailable", "Shrug", "Risk:Velocity:WhenUnavailable")]
    [InlineData("Risk:Model:Weights:shoe_size", "1", "Risk:Model:Weights:shoe_size")]
    [InlineData("Risk:AmountLimits:USD:Review", "1", "Risk:AmountLimits:USD")]
    public async Task InvalidRulesStopTheServiceAtStartNamingTheKey(string key, string value, string named)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => fixture.StartReplicaAsync(new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACallerSuppliedNowIsRefusedInProduction()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => fixture.StartReplicaAsync(
            new Dictionary<string, string?> { ["Risk:Velocity:AllowCallerTime"] = "true" }, environment: "Production"));

        Assert.Contains("Risk:Velocity:AllowCallerTime", error.Message, StringComparison.Ordinal);
    }
}
