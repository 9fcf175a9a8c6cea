using Microsoft.Extensions.Configuration;
using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Hosting.Orchestration;

namespace PaymentPlatform.Hosting.Tests;

public sealed class ParameterValueSourceTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pp-params-").FullName;

    private static IResourceBuilder<ParameterResource> Parameter(string name, bool secret) =>
        DistributedApplication.CreateBuilder(new DistributedApplicationOptions { ApplicationName = "tests" }).AddParameter(name, secret);

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void AGeneratedSecretIsKeptSoTheNextRunGetsTheSameValue()
    {
        var parameter = Parameter("vault-key", secret: true).Resource;

        var first = new ParameterValueSource(Configuration(), _directory).GetValue(parameter);
        var second = new ParameterValueSource(Configuration(), _directory).GetValue(parameter);

        Assert.Equal(first, second);
        Assert.Equal(24, first.Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_directory, "secrets.json")));
    }

    [Fact]
    public void ConfiguredValuesWinOverGeneratedOnes()
    {
        var parameter = Parameter("vault-key", secret: true).Resource;

        var value = new ParameterValueSource(Configuration(("Parameters:vault-key", "from-config")), _directory).GetValue(parameter);

        Assert.Equal("from-config", value);
        Assert.False(File.Exists(Path.Combine(_directory, "secrets.json")));
    }

    [Fact]
    public void AMissingPlainParameterSaysWhichKeyToSet()
    {
        var parameter = Parameter("region", secret: false).Resource;

        var ex = Assert.Throws<DistributedApplicationException>(() => new ParameterValueSource(Configuration(), _directory).GetValue(parameter));

        Assert.Contains("Parameters:region", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Parameters__region", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
