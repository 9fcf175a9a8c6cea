using System.Text.Json.Nodes;
using PaymentPlatform.Publishing.Tests.Infrastructure;

namespace PaymentPlatform.Publishing.Tests;

/// <summary>The Aspire manifest of the platform's own AppHost, as azd reads it.</summary>
[Collection(PublishedPlatformCollection.Name)]
public sealed class ManifestPublisherTests(PublishedPlatform platform)
{
    private JsonObject Resources => platform.ManifestJson["resources"]!.AsObject();

    private JsonObject Resource(string name) =>
        Resources[name]?.AsObject() ?? throw new Xunit.Sdk.XunitException($"The manifest has no resource '{name}'; it has {string.Join(", ", Resources.Select(r => r.Key))}.");

    private string Env(string resource, string variable) =>
        (string?)Resource(resource)["env"]?[variable] ?? throw new Xunit.Sdk.XunitException($"'{resource}' has no variable '{variable}' in the manifest.");

    private IEnumerable<string> Projects => Resources.Where(r => (string?)r.Value!["type"] == "project.v0").Select(r => r.Key);

    [Fact]
    public async Task TheManifestValidatesAgainstTheAspire80Schema()
    {
        var result = await Tools.ValidateManifestAsync(platform.OutputPath(PublishedPlatform.Manifest));

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Contains("valid:", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void TheManifestNamesItsSchema()
    {
        Assert.Equal("https://json.schemastore.org/aspire-8.0.json", (string?)platform.ManifestJson["$schema"]);
    }

    [Fact]
    public void AReferencedDatabaseIsItsConnectionStringExpression()
    {
        Assert.Equal("{ledgerdb.connectionString}", Env("ledger", "ConnectionStrings__ledgerdb"));
        Assert.Equal("{paymentsdb.connectionString}", Env("gateway", "ConnectionStrings__paymentsdb"));
        Assert.Equal("{cache.connectionString}", Env("gateway", "ConnectionStrings__cache"));
        Assert.Equal("{ledgerdb-password.value}", Env("ledger", "LEDGERDB_PASSWORD"));
        Assert.Equal("{postgres.bindings.tcp.host}", Env("ledger", "LEDGERDB_HOST"));
    }

    [Fact]
    public void ADatabaseIsAValueConnectingAsItsOwnRole()
    {
        var ledgerDb = Resource("ledgerdb");

        Assert.Equal("value.v0", (string?)ledgerDb["type"]);
        // The database's own role (docs/contracts.md), never the server's superuser.
        Assert.Equal(
            "Host={postgres.bindings.tcp.host};Port={postgres.bindings.tcp.port};Username=ledgerdb;Password={ledgerdb-password.value};Database=ledgerdb",
            (string?)ledgerDb["connectionString"]);
    }

    [Fact]
    public void AReferencedProjectIsItsEndpointUrlExpression()
    {
        Assert.Equal("{ledger.bindings.http.url}", Env("gateway", "services__ledger__http__0"));
        Assert.Equal("{ledger.bindings.http.url}", Env("gateway", "LEDGER_HTTP"));
        Assert.Equal("{directory.bindings.http.url}", Env("gateway", "services__directory__http__0"));
        Assert.Equal("{risk.bindings.http.url}", Env("gateway", "services__risk__http__0"));
        Assert.Equal("{notify.bindings.http.url}", Env("gateway", "services__notify__http__0"));
    }

    [Fact]
    public void EveryServiceGetsTheInternalTokenParameter()
    {
        Assert.Equal(["directory", "gateway", "ledger", "notify", "risk"], Projects.Order(StringComparer.Ordinal));
        Assert.All(Projects, project => Assert.Equal("{internal-token.value}", Env(project, "InternalApi__Token")));
    }

    [Fact]
    public void ProjectPathsAreRelativeToTheManifestAndExist()
    {
        var folder = Path.GetDirectoryName(platform.OutputPath(PublishedPlatform.Manifest))!;
        Assert.All(Projects, project =>
        {
            var path = (string)Resource(project)["path"]!;
            Assert.False(Path.IsPathRooted(path), $"'{project}' has an absolute path: {path}");
            Assert.True(File.Exists(Path.GetFullPath(Path.Combine(folder, path))), $"'{project}' points at {path}, which does not exist.");
            Assert.EndsWith(".csproj", path, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void ProjectsListenOnTheirTargetPortAndOnlyTheGatewayIsExternal()
    {
        Assert.All(Projects, project =>
        {
            var http = Resource(project)["bindings"]!["http"]!;
            Assert.Equal("http", (string?)http["scheme"]);
            Assert.Equal("http", (string?)http["transport"]);
            Assert.Equal(8080, (int?)http["targetPort"]);
            Assert.Equal(project == "gateway", (bool?)http["external"] ?? false);
            Assert.Equal($"{{{project}.bindings.http.targetPort}}", Env(project, "HTTP_PORTS"));
        });
    }

    [Fact]
    public void SecretParametersAreSecretAndGenerated()
    {
        var secrets = Resources.Where(r => (string?)r.Value!["type"] == "parameter.v0").ToList();

        Assert.Equal(
            ["cache-password", "gateway-admin-key", "gateway-hmac-key", "internal-token", "ledgerdb-password", "notify-secrets-key", "notifydb-password",
             "paymentsdb-password", "postgres-password", "riskdb-password", "vault-key"],
            secrets.Select(s => s.Key).Order(StringComparer.Ordinal));
        Assert.All(secrets, secret =>
        {
            var input = secret.Value!["inputs"]!["value"]!;
            Assert.Equal($"{{{secret.Key}.inputs.value}}", (string?)secret.Value!["value"]);
            Assert.True((bool?)input["secret"]);
            Assert.True((int?)input["default"]?["generate"]?["minLength"] >= 16);
            // Letters and digits only, as in run mode: safe inside connection strings.
            Assert.False((bool?)input["default"]?["generate"]?["special"]);
        });
    }

    [Fact]
    public void PostgresIsAContainerWithItsVolumeBindingAndConnectionString()
    {
        var postgres = Resource("postgres");

        Assert.Equal("container.v0", (string?)postgres["type"]);
        Assert.StartsWith("docker.io/library/postgres:", (string?)postgres["image"], StringComparison.Ordinal);
        Assert.Equal("Host={postgres.bindings.tcp.host};Port={postgres.bindings.tcp.port};Username=postgres;Password={postgres-password.value}", (string?)postgres["connectionString"]);
        var volume = Assert.Single(postgres["volumes"]!.AsArray())!;
        Assert.Equal("/var/lib/postgresql/data", (string?)volume["target"]);
        Assert.False((bool?)volume["readOnly"]);
        Assert.Equal(5432, (int?)postgres["bindings"]!["tcp"]!["targetPort"]);
        Assert.Equal("{postgres-password.value}", (string?)postgres["env"]!["POSTGRES_PASSWORD"]);
        Assert.Equal("{ledgerdb-password.value}", (string?)postgres["env"]!["LEDGERDB_PASSWORD"]);
        // The container creates each database's owning role when it initialises its data.
        var script = (string)postgres["args"]![1]!;
        foreach (var database in new[] { "paymentsdb", "ledgerdb", "notifydb", "riskdb" })
        {
            Assert.Contains($"ALTER ROLE \"{database}\" WITH LOGIN NOSUPERUSER", script, StringComparison.Ordinal);
            Assert.Contains($"REVOKE ALL ON DATABASE \"{database}\" FROM PUBLIC", script, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void RedisIsAContainerWithTheDurabilitySettingsOfTheContracts()
    {
        var cache = Resource("cache");

        Assert.Equal("container.v0", (string?)cache["type"]);
        Assert.StartsWith("docker.io/library/redis:", (string?)cache["image"], StringComparison.Ordinal);
        Assert.Equal("{cache.bindings.tcp.host}:{cache.bindings.tcp.port},password={cache-password.value}", (string?)cache["connectionString"]);
        // The graph keeps Redis's append-only file on a volume: acknowledged stream entries outlive the container.
        var volume = Assert.Single(cache["volumes"]!.AsArray())!;
        Assert.Equal("/data", (string?)volume["target"]);
        var script = (string)cache["args"]![1]!;
        Assert.Contains("--appendonly yes --appendfsync always --maxmemory-policy noeviction", script, StringComparison.Ordinal);
        Assert.Equal("{cache-password.value}", (string?)cache["env"]!["REDIS_PASSWORD"]);
    }
}
