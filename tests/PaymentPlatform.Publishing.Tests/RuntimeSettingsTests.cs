using System.Text.Json;

namespace PaymentPlatform.Publishing.Tests;

/// <summary>Runtime settings every service carries in its runtimeconfig.json, locally and in its container image.</summary>
public class RuntimeSettingsTests
{
    public static TheoryData<string> Services => new() { "Gateway", "Risk", "Ledger", "Notify", "Directory" };

    [Theory]
    [MemberData(nameof(Services))]
    public void EveryServiceHasAThreadPoolWhoseIdleWorkersBlockInsteadOfSpinning(string service)
    {
        // The AppHost's build output holds each referenced service's runtimeconfig.json (Directory.Build.props sets it; docs/performance.md).
        var path = Path.Combine(Path.GetDirectoryName(new Projects.PaymentPlatform_AppHost().AssemblyPath)!, $"PaymentPlatform.{service}.runtimeconfig.json");
        Assert.True(File.Exists(path), $"{path} does not exist: build the AppHost first.");

        using var config = JsonDocument.Parse(File.ReadAllText(path));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.True(properties.TryGetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", out var spinLimit), $"{path} does not set the spin limit.");
        Assert.Equal(0, spinLimit.GetInt32());
    }
}
