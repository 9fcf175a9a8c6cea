using Microsoft.Extensions.Configuration;
using PaymentPlatform.Hosting.Orchestration;

namespace PaymentPlatform.Hosting.Tests;

public class PrerequisiteErrorTests
{
    private static BinaryLocator Locator(params (string Key, string Value)[] settings) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build());

    [Fact]
    public void AMissingProgramNamesThePackageToInstallAndTheSettingToUse()
    {
        var ex = Assert.Throws<DistributedApplicationException>(() => Locator().Require("no-such-server", "no-such-package"));

        Assert.Contains("sudo apt-get install -y no-such-package", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AppHost:Binaries:no-such-server", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AConfiguredPathThatDoesNotExistIsNamed()
    {
        var ex = Assert.Throws<DistributedApplicationException>(() =>
            Locator(("AppHost:Binaries:redis-server", "/opt/nowhere/redis-server")).Require("redis-server", "redis-server"));

        Assert.Contains("'/opt/nowhere/redis-server', which does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgresAndInitdbComeFromTheSameMajorVersionsFolder()
    {
        var locator = Locator();

        var postgres = locator.Find("postgres");
        var initdb = locator.Find("initdb");

        Assert.NotNull(postgres);
        Assert.Equal(Path.GetDirectoryName(postgres), Path.GetDirectoryName(initdb));
    }

    [Fact]
    public async Task ADataDirectoryTheHostCannotUseSaysHowToFixIt()
    {
        // A regular file where the data folder should be: no user, root included, can create a folder under it.
        var blocker = Path.GetTempFileName();
        try
        {
            var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
            {
                ApplicationName = "tests",
                EchoResourceLogs = false,
                Args = [$"--AppHost:DataDirectory={Path.Combine(blocker, "data")}"],
            });
            builder.AddRedis("cache");
            await using var app = builder.Build();

            var ex = await Assert.ThrowsAsync<DistributedApplicationException>(() => app.StartAsync());

            Assert.Contains("cannot use its data directory", ex.Message, StringComparison.Ordinal);
            Assert.Contains("AppHost:DataDirectory", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(blocker);
        }
    }
}

public class PortInUseTests
{
    [Fact]
    public async Task AReplicaWhosePortWasTakenBeforeItBoundMovesToAFreshPort()
    {
        // Another process holds the port the host is about to hand out: the race of dotnet/aspire#4037.
        using var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((System.Net.IPEndPoint)squatter.LocalEndpoint).Port;
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { ApplicationName = "port-tests", IsTesting = true, EchoResourceLogs = false });
        builder.AddRedis("cache");
        await using var app = builder.Build();
        app.Ports.HandOutNext(taken);

        await app.StartAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var healthy = await app.ResourceNotifications.WaitForResourceHealthyAsync("cache", cts.Token);

        var port = new Uri(healthy.Replicas[0].Url!).Port;
        Assert.NotEqual(taken, port);
        Assert.Contains(app.ResourceLogs.GetLines("cache", max: 100), l => l.Text.Contains("Address already in use", StringComparison.OrdinalIgnoreCase));
        Assert.StartsWith($"127.0.0.1:{port},", await app.GetConnectionStringAsync("cache"), StringComparison.Ordinal);
    }
}
