using Microsoft.Extensions.Configuration;
using PaymentPlatform.ServiceDefaults.ServiceDiscovery;

namespace PaymentPlatform.ServiceDefaults.Tests;

public class ServiceEndpointResolverTests
{
    private static ServiceEndpointResolver Resolver(params (string Key, string Value)[] entries) =>
        new(new ConfigurationBuilder()
            .AddInMemoryCollection(entries.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value)))
            .Build());

    [Fact]
    public void ResolverReplacesTheServiceNameWithTheConfiguredEndpointAndKeepsPathAndQuery()
    {
        using var resolver = Resolver(("Services:ledger:http:0", "http://127.0.0.1:5123"));

        var resolved = resolver.Resolve(new Uri("http://ledger/v1/accounts/acc_1?as_of=2024-01-01"));

        Assert.Equal("http://127.0.0.1:5123/v1/accounts/acc_1?as_of=2024-01-01", resolved.ToString());
    }

    [Fact]
    public void ResolverReadsTheEnvironmentVariablesTheHostWrites()
    {
        var prefix = $"PPTEST_{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable($"{prefix}services__ledger__http__0", "http://127.0.0.1:6001");
        Environment.SetEnvironmentVariable($"{prefix}services__ledger__http__1", "http://127.0.0.1:6002");
        try
        {
            using var resolver = new ServiceEndpointResolver(new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build());

            Assert.Equal(6001, resolver.Resolve(new Uri("http://ledger/")).Port);
            Assert.Equal(6002, resolver.Resolve(new Uri("http://ledger/")).Port);
        }
        finally
        {
            Environment.SetEnvironmentVariable($"{prefix}services__ledger__http__0", null);
            Environment.SetEnvironmentVariable($"{prefix}services__ledger__http__1", null);
        }
    }

    [Fact]
    public void ResolverRoundRobinsAcrossReplicas()
    {
        using var resolver = Resolver(
            ("Services:ledger:http:0", "http://127.0.0.1:7001"),
            ("Services:ledger:http:1", "http://127.0.0.1:7002"),
            ("Services:ledger:http:2", "http://127.0.0.1:7003"));

        var ports = Enumerable.Range(0, 6).Select(_ => resolver.Resolve(new Uri("http://ledger/")).Port).ToArray();

        Assert.Equal([7001, 7002, 7003, 7001, 7002, 7003], ports);
    }

    [Fact]
    public void ResolverKeepsSeparateRotationsPerService()
    {
        using var resolver = Resolver(
            ("Services:ledger:http:0", "http://127.0.0.1:7001"),
            ("Services:ledger:http:1", "http://127.0.0.1:7002"),
            ("Services:risk:http:0", "http://127.0.0.1:8001"),
            ("Services:risk:http:1", "http://127.0.0.1:8002"));

        Assert.Equal(7001, resolver.Resolve(new Uri("http://ledger/")).Port);
        Assert.Equal(8001, resolver.Resolve(new Uri("http://risk/")).Port);
        Assert.Equal(7002, resolver.Resolve(new Uri("http://ledger/")).Port);
    }

    [Fact]
    public void ResolverPrefersHttpsWhenBothSchemesAreAllowedAndConfigured()
    {
        using var resolver = Resolver(
            ("Services:ledger:http:0", "http://127.0.0.1:7001"),
            ("Services:ledger:https:0", "https://127.0.0.1:7443"));

        Assert.Equal("https://127.0.0.1:7443/", resolver.Resolve(new Uri("https+http://ledger/")).ToString());
        Assert.Equal("https://127.0.0.1:7443/", resolver.Resolve(new Uri("http+https://ledger/")).ToString());
    }

    [Fact]
    public void ResolverFallsBackToTheNextSchemeWhenTheFirstHasNoEntry()
    {
        using var resolver = Resolver(("Services:ledger:http:0", "http://127.0.0.1:7001"));

        Assert.Equal("http://127.0.0.1:7001/v1", resolver.Resolve(new Uri("https+http://ledger/v1")).ToString());
    }

    [Fact]
    public void ResolverUsesOnlyTheSchemesTheUrlAllows()
    {
        using var resolver = Resolver(("Services:ledger:https:0", "https://127.0.0.1:7443"));

        // http://ledger allows http only: the https endpoint is not used, the name passes through.
        Assert.Equal("http://ledger/", resolver.Resolve(new Uri("http://ledger/")).ToString());
    }

    [Theory]
    [InlineData("http", new[] { "http" })]
    [InlineData("https+http", new[] { "https", "http" })]
    [InlineData("http+https", new[] { "https", "http" })]
    [InlineData("grpc+http", new[] { "grpc", "http" })]
    [InlineData("http+grpc+https", new[] { "https", "http", "grpc" })]
    public void SchemesAreTriedInTheOrderWrittenWithHttpsAheadOfHttp(string scheme, string[] expected)
    {
        Assert.Equal(expected, ServiceEndpointResolver.OrderSchemes(scheme));
    }

    [Fact]
    public void ResolverPassesAnUnknownServiceThroughToDns()
    {
        using var resolver = Resolver(("Services:ledger:http:0", "http://127.0.0.1:7001"));

        Assert.Equal("http://notify/v1/x", resolver.Resolve(new Uri("http://notify/v1/x")).ToString());
        Assert.Equal("https://notify:8443/v1/x", resolver.Resolve(new Uri("https+http://notify:8443/v1/x")).ToString());
        Assert.Equal("https://notify/", resolver.Resolve(new Uri("https+http://notify")).ToString());
    }

    [Fact]
    public void ResolverAcceptsHostAndPortEntries()
    {
        using var resolver = Resolver(("Services:ledger:http:0", "127.0.0.1:7001"));

        Assert.Equal("http://127.0.0.1:7001/", resolver.Resolve(new Uri("http://ledger/")).ToString());
    }

    [Fact]
    public void ResolverSeesEndpointsChangedByAConfigurationReload()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new("Services:ledger:http:0", "http://127.0.0.1:7001")])
            .Build();
        using var resolver = new ServiceEndpointResolver(configuration);
        Assert.Equal(7001, resolver.Resolve(new Uri("http://ledger/")).Port);

        configuration["Services:ledger:http:0"] = "http://127.0.0.1:7009";
        configuration.Reload();

        Assert.Equal(7009, resolver.Resolve(new Uri("http://ledger/")).Port);
    }
}
