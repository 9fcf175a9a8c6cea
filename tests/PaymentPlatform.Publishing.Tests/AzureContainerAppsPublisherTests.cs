using PaymentPlatform.Publishing.Tests.Infrastructure;

namespace PaymentPlatform.Publishing.Tests;

/// <summary>
/// The Container Apps Bicep of the platform's own AppHost, checked structurally: no Bicep
/// compiler can be installed here.
/// </summary>
[Collection(PublishedPlatformCollection.Name)]
public sealed class AzureContainerAppsPublisherTests(PublishedPlatform platform)
{
    private static readonly string[] Services = ["directory", "gateway", "ledger", "notify", "risk"];

    private BicepFile Main => BicepFile.Read(Path.Combine(platform.ContainerAppsDirectory, "main.bicep"));

    private IEnumerable<BicepFile> AllFiles =>
        Directory.EnumerateFiles(platform.ContainerAppsDirectory, "*.bicep", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(BicepFile.Read);

    private BicepFile App(string name) => BicepFile.Read(Path.Combine(platform.ContainerAppsDirectory, "apps", $"{name}.bicep"));

    private static string Identifier(string name) =>
        string.Concat(name.Split('-').Select((part, i) => i == 0 ? part : char.ToUpperInvariant(part[0]) + part[1..]));

    [Fact]
    public void TheOutputIsAMainFileAnEnvironmentAndOneModulePerApp()
    {
        var files = Tools.ReadTree(platform.ContainerAppsDirectory).Keys.Where(k => k.EndsWith(".bicep", StringComparison.Ordinal));

        Assert.Equal(
            ["apps/cache.bicep", "apps/directory.bicep", "apps/gateway.bicep", "apps/ledger.bicep", "apps/notify.bicep", "apps/postgres.bicep", "apps/risk.bicep", "environment.bicep", "main.bicep"],
            files);
        Assert.Equal(
            ["environment.bicep", "apps/postgres.bicep", "apps/cache.bicep", "apps/ledger.bicep", "apps/risk.bicep", "apps/notify.bicep", "apps/directory.bicep", "apps/gateway.bicep"],
            Main.Modules.Select(m => m.Path));
    }

    [Fact]
    public void EveryIdentifierABicepFileUsesIsDeclaredInIt()
    {
        Assert.All(AllFiles, file =>
        {
            var undeclared = file.Uses.Where(u => !file.Symbols.Contains(u.Name)).Select(u => $"{u.Name} (line {u.Line})").ToList();
            Assert.True(undeclared.Count == 0, $"{file.Path} uses undeclared {string.Join(", ", undeclared)}");
            var unused = file.Parameters.Keys.Where(p => !file.Uses.Any(u => u.Name == p)).ToList();
            Assert.True(unused.Count == 0, $"{file.Path} declares unused parameters {string.Join(", ", unused)}");
        });
    }

    [Fact]
    public void EveryModuleGetsExactlyTheParametersItDeclares()
    {
        var main = Main;
        Assert.All(main.Modules, module =>
        {
            var target = BicepFile.Read(Path.Combine(platform.ContainerAppsDirectory, module.Path));
            var required = target.Parameters.Where(p => !p.Value.HasDefault).Select(p => p.Key);
            Assert.Empty(module.Params.Keys.Except(target.Parameters.Keys));
            Assert.Empty(required.Except(module.Params.Keys));
        });
    }

    [Fact]
    public void EverySecretIsASecureParameterAndReachesAppsOnlyAsContainerAppSecrets()
    {
        var main = Main;
        var secrets = platform.SecretCanaries.Keys.Select(Identifier).ToList();

        Assert.NotEmpty(secrets);
        Assert.All(secrets, secret => Assert.True(main.Parameters.TryGetValue(secret, out var p) && p.Secure, $"main.bicep must declare @secure() param {secret}"));
        Assert.All(main.Parameters.Where(p => p.Value.Secure), p => Assert.False(p.Value.HasDefault, $"secure parameter {p.Key} must have no default"));
        Assert.All(main.Modules, module =>
        {
            var target = BicepFile.Read(Path.Combine(platform.ContainerAppsDirectory, module.Path));
            foreach (var (parameter, value) in module.Params.Where(p => main.Parameters.TryGetValue(p.Value, out var source) && source.Secure))
            {
                Assert.True(target.Parameters[parameter].Secure, $"{module.Path} receives secret {value} in a parameter that is not @secure(): {parameter}");
            }
            var secure = target.Parameters.Where(p => p.Value.Secure).Select(p => p.Key).ToHashSet();
            var leaked = target.Uses.Where(u => secure.Contains(u.Name)).Except(target.UsesInSecrets).ToList();
            Assert.True(leaked.Count == 0, $"{module.Path} uses secrets outside its secrets list: {string.Join(", ", leaked)}");
        });
        Assert.All(AllFiles, file => Assert.DoesNotContain(file.UsesInOutputs, use => file.Parameters.TryGetValue(use, out var p) && p.Secure));
    }

    [Fact]
    public void IngressIsExternalOnlyForTheGateway()
    {
        foreach (var service in Services)
        {
            Assert.Equal([service == "gateway" ? "true" : "false"], App(service).PropertyValues("external"));
            Assert.Equal([service == "gateway" ? "false" : "true"], App(service).PropertyValues("allowInsecure"));
        }
        Assert.Equal(["false"], App("postgres").PropertyValues("external"));
        Assert.Equal(["false"], App("cache").PropertyValues("external"));
        Assert.Equal(["tcp"], App("postgres").PropertyValues("transport"));
        Assert.Contains("gatewayUrl", File.ReadAllText(Path.Combine(platform.ContainerAppsDirectory, "main.bicep")), StringComparison.Ordinal);
    }

    [Fact]
    public void EachServiceRunsTheImageItsParameterNames()
    {
        var main = Main;
        foreach (var service in Services)
        {
            var image = $"{Identifier(service)}Image";
            Assert.True(main.Parameters.TryGetValue(image, out var parameter) && !parameter.HasDefault, $"main.bicep needs a required parameter {image}");
            Assert.Equal(image, main.Modules.Single(m => m.Name == Identifier(service)).Params["image"]);
            Assert.Equal(["image"], App(service).PropertyValues("image"));
        }
    }

    [Fact]
    public void ScaleFollowsTheGraphsReplicasAndTheGatewayScalesOnLoad()
    {
        foreach (var service in Services)
        {
            var app = App(service);
            Assert.Equal([service == "gateway" ? "2" : "1"], app.PropertyValues("minReplicas"));
            Assert.Equal([service == "gateway" ? "10" : "1"], app.PropertyValues("maxReplicas"));
            Assert.Equal(service == "gateway" ? ["http-concurrency"] : [], app.PropertyValues("name").Where(n => n == "http-concurrency"));
        }
    }

    [Fact]
    public void ServicesFindEachOtherByContainerAppNameAndProbeHealth()
    {
        var gateway = File.ReadAllText(Path.Combine(platform.ContainerAppsDirectory, "apps", "gateway.bicep"));

        Assert.Contains("name: 'services__ledger__http__0'\n              value: 'http://ledger'", gateway, StringComparison.Ordinal);
        Assert.Contains("value: 'Host=postgres;Port=5432;Username=paymentsdb;Password=${paymentsdbPassword};Database=paymentsdb'", gateway, StringComparison.Ordinal);
        Assert.Contains("name: 'ConnectionStrings__paymentsdb'\n              secretRef: 'env-connectionstrings--paymentsdb'", gateway, StringComparison.Ordinal);
        Assert.Contains("name: 'InternalApi__Token'\n              secretRef: 'internal-token'", gateway, StringComparison.Ordinal);
        foreach (var service in Services)
        {
            var app = App(service);
            Assert.Equal(["Startup", "Readiness", "Liveness"], app.PropertyValues("type").Where(t => t is "Startup" or "Readiness" or "Liveness"));
            Assert.Equal(["/alive", "/health", "/alive"], app.PropertyValues("path"));
        }
    }

    [Fact]
    public void PostgresAndRedisKeepTheirDataOnNfsShares()
    {
        var environment = File.ReadAllText(Path.Combine(platform.ContainerAppsDirectory, "environment.bicep"));

        Assert.Contains("nfsAzureFile", environment, StringComparison.Ordinal);
        Assert.Equal(["NFS", "NFS"], BicepFile.Read(Path.Combine(platform.ContainerAppsDirectory, "environment.bicep")).PropertyValues("enabledProtocols"));
        Assert.Equal(["NfsAzureFile"], App("postgres").PropertyValues("storageType"));
        Assert.Equal(["NfsAzureFile"], App("cache").PropertyValues("storageType"));
        Assert.Equal(["/var/lib/postgresql/data"], App("postgres").PropertyValues("mountPath"));
    }
}
