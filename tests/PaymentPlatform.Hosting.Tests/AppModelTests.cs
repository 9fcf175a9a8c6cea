using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Hosting.Orchestration;

namespace PaymentPlatform.Hosting.Tests;

public class AppModelTests
{
    private sealed class FakeProject : IProjectMetadata
    {
        public string ProjectPath => "/src/Fake/Fake.csproj";
        public string AssemblyPath => "/src/Fake/bin/Fake.dll";
    }

    private sealed class FixedValues : IParameterValueSource
    {
        public string GetValue(ParameterResource parameter) => $"{parameter.Name}-secret";
    }

    private static IDistributedApplicationBuilder CreateBuilder(params string[] args) =>
        DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Args = args, ApplicationName = "tests", IsTesting = true });

    private static void Allocate(IResource resource, params int[] ports)
    {
        var endpoint = resource.Annotations.OfType<EndpointAnnotation>().Single();
        endpoint.Replicas = [.. ports.Select(p => new AllocatedEndpoint(endpoint.UriScheme, "127.0.0.1", p))];
    }

    private static void UseFixedParameterValues(IDistributedApplicationBuilder builder)
    {
        foreach (var parameter in builder.Resources.OfType<ParameterResource>())
        {
            parameter.ValueSource = new FixedValues();
        }
    }

    private static Task<Dictionary<string, string>> RunModeEnvironmentAsync(IResource resource) =>
        EnvironmentResolver.ResolveAsync(resource, new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run), CancellationToken.None);

    [Fact]
    public async Task ReferencingADatabaseHandsOutItsRolesConnectionStringAndProperties()
    {
        var builder = CreateBuilder();
        var postgres = builder.AddPostgres("postgres");
        var db = postgres.AddDatabase("payments-db", "paymentsdb");
        var api = builder.AddProject<FakeProject>("api").WithReference(db);
        Allocate(postgres.Resource, 5544);
        UseFixedParameterValues(builder);

        var env = await RunModeEnvironmentAsync(api.Resource);

        Assert.Equal("Host=127.0.0.1;Port=5544;Username=paymentsdb;Password=payments-db-password-secret;Database=paymentsdb", env["ConnectionStrings__payments-db"]);
        Assert.Equal("127.0.0.1", env["PAYMENTS_DB_HOST"]);
        Assert.Equal("5544", env["PAYMENTS_DB_PORT"]);
        Assert.Equal("paymentsdb", env["PAYMENTS_DB_USERNAME"]);
        Assert.Equal("payments-db-password-secret", env["PAYMENTS_DB_PASSWORD"]);
        Assert.Equal("paymentsdb", env["PAYMENTS_DB_DATABASENAME"]);
        Assert.Equal("postgresql://paymentsdb:payments-db-password-secret@127.0.0.1:5544/paymentsdb", env["PAYMENTS_DB_URI"]);
    }

    [Fact]
    public async Task ReferencingAPostgresServerHandsOutTheSuperuserConnectionString()
    {
        var builder = CreateBuilder();
        var postgres = builder.AddPostgres("postgres");
        var api = builder.AddProject<FakeProject>("api").WithReference(postgres);
        Allocate(postgres.Resource, 6000);
        UseFixedParameterValues(builder);

        var env = await RunModeEnvironmentAsync(api.Resource);

        Assert.Equal("Host=127.0.0.1;Port=6000;Username=postgres;Password=postgres-password-secret", env["ConnectionStrings__postgres"]);
        Assert.Equal("postgresql://postgres:postgres-password-secret@127.0.0.1:6000", env["POSTGRES_URI"]);
        Assert.False(env.ContainsKey("POSTGRES_DATABASENAME"));
    }

    [Fact]
    public async Task ReferencingRedisHandsOutAspiresConnectionStringFormat()
    {
        var builder = CreateBuilder();
        var cache = builder.AddRedis("cache");
        var api = builder.AddProject<FakeProject>("api").WithReference(cache);
        Allocate(cache.Resource, 6380);
        UseFixedParameterValues(builder);

        var env = await RunModeEnvironmentAsync(api.Resource);

        Assert.Equal("127.0.0.1:6380,password=cache-password-secret", env["ConnectionStrings__cache"]);
        Assert.Equal("127.0.0.1", env["CACHE_HOST"]);
        Assert.Equal("6380", env["CACHE_PORT"]);
        Assert.Equal("cache-password-secret", env["CACHE_PASSWORD"]);
        Assert.Equal("redis://:cache-password-secret@127.0.0.1:6380", env["CACHE_URI"]);
    }

    [Fact]
    public async Task ReferencingAProjectListsEveryReplicaForServiceDiscovery()
    {
        var builder = CreateBuilder();
        var ledger = builder.AddProject<FakeProject>("ledger").WithReplicas(3);
        var gateway = builder.AddProject<FakeProject>("gateway").WithReference(ledger);
        Allocate(ledger.Resource, 7001, 7002, 7003);

        var env = await RunModeEnvironmentAsync(gateway.Resource);

        Assert.Equal("http://127.0.0.1:7001", env["services__ledger__http__0"]);
        Assert.Equal("http://127.0.0.1:7002", env["services__ledger__http__1"]);
        Assert.Equal("http://127.0.0.1:7003", env["services__ledger__http__2"]);
        Assert.False(env.ContainsKey("services__ledger__http__3"));
        Assert.Equal("http://127.0.0.1:7001", env["LEDGER_HTTP"]);
    }

    [Fact]
    public async Task AnExternalProjectsUrlVariableIsItsFrontDoor()
    {
        var builder = CreateBuilder();
        var gateway = builder.AddProject<FakeProject>("gateway").WithReplicas(2).WithExternalHttpEndpoints();
        var client = builder.AddProject<FakeProject>("client").WithReference(gateway);
        Allocate(gateway.Resource, 7001, 7002);
        gateway.Resource.Annotations.OfType<EndpointAnnotation>().Single().FrontDoor = new AllocatedEndpoint("http", "127.0.0.1", 8000);

        var env = await RunModeEnvironmentAsync(client.Resource);

        Assert.Equal("http://127.0.0.1:8000", env["GATEWAY_HTTP"]);
        Assert.Equal("http://127.0.0.1:7002", env["services__gateway__http__1"]);
    }

    [Fact]
    public async Task PublishModeWritesManifestExpressionsInsteadOfValues()
    {
        var builder = CreateBuilder();
        var postgres = builder.AddPostgres("postgres");
        var db = postgres.AddDatabase("ledgerdb");
        var ledger = builder.AddProject<FakeProject>("ledger");
        var gateway = builder.AddProject<FakeProject>("gateway").WithReference(db).WithReference(ledger);

        var env = await EnvironmentResolver.CollectAsync(gateway.Resource, new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish, "manifest"));
        string Expression(string key) => ((IManifestExpressionProvider)env[key]).ValueExpression;

        Assert.Equal("Host={postgres.bindings.tcp.host};Port={postgres.bindings.tcp.port};Username=ledgerdb;Password={ledgerdb-password.value};Database=ledgerdb", Expression("ConnectionStrings__ledgerdb"));
        Assert.Equal("{ledger.bindings.http.url}", Expression("services__ledger__http__0"));
        Assert.Equal("{ledger.bindings.http.url}", Expression("LEDGER_HTTP"));
    }

    [Fact]
    public async Task WithEnvironmentPassesFixedValuesAndParameters()
    {
        var builder = CreateBuilder();
        var token = builder.AddParameter("internal-token", secret: true);
        var api = builder.AddProject<FakeProject>("api")
            .WithEnvironment("FEATURE_X", "on")
            .WithEnvironment("InternalApi__Token", token);
        UseFixedParameterValues(builder);

        var env = await RunModeEnvironmentAsync(api.Resource);

        Assert.Equal("on", env["FEATURE_X"]);
        Assert.Equal("internal-token-secret", env["InternalApi__Token"]);
    }

    [Fact]
    public void WaitingForAResourceOfAnotherAppIsRejectedWithTheFix()
    {
        var other = CreateBuilder().AddRedis("cache");
        var builder = CreateBuilder();
        builder.AddProject<FakeProject>("api").WaitFor(other);

        var ex = Assert.Throws<DistributedApplicationException>(() => builder.Build());

        Assert.Contains("'api' waits for 'cache', which is not part of this app", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AWaitCycleIsRejectedNamingEveryResourceInIt()
    {
        var builder = CreateBuilder();
        var a = builder.AddProject<FakeProject>("a");
        var b = builder.AddProject<FakeProject>("b").WaitFor(a);
        var c = builder.AddProject<FakeProject>("c").WaitFor(b);
        a.WaitFor(c);

        var ex = Assert.Throws<DistributedApplicationException>(() => builder.Build());

        Assert.Contains("a -> c -> b -> a", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AResourceCannotWaitForItself()
    {
        var builder = CreateBuilder();
        var a = builder.AddProject<FakeProject>("a");

        Assert.Throws<InvalidOperationException>(() => a.WaitFor(a));
    }

    [Fact]
    public void DuplicateResourceNamesAreRejected()
    {
        var builder = CreateBuilder();
        builder.AddRedis("cache");

        var ex = Assert.Throws<DistributedApplicationException>(() => builder.AddProject<FakeProject>("cache"));

        Assert.Contains("'cache' already exists", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Gateway")]
    [InlineData("1ledger")]
    [InlineData("ledger_db")]
    [InlineData("ledger-")]
    [InlineData("led--ger")]
    public void ResourceNamesMustBeKebabCase(string name)
    {
        var builder = CreateBuilder();

        var ex = Assert.Throws<ArgumentException>(() => builder.AddRedis(name));

        Assert.Contains("lower-case letters, digits and single hyphens", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReplicasMustBeAtLeastOne()
    {
        var builder = CreateBuilder();

        Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddProject<FakeProject>("api").WithReplicas(0));
    }

    [Fact]
    public void PublisherArgumentSelectsPublishMode()
    {
        var builder = CreateBuilder("--publisher", "manifest", "--output-path", "out.json");

        Assert.True(builder.ExecutionContext.IsPublishMode);
        Assert.Equal("manifest", builder.ExecutionContext.PublisherName);
    }
}
