using System.Text.Json.Nodes;
using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.Publishing;
using PaymentPlatform.Hosting.Publishing.AzureContainerApps;
using PaymentPlatform.Hosting.Publishing.Kubernetes;
using PaymentPlatform.Publishing.Tests.Infrastructure;

namespace PaymentPlatform.Publishing.Tests;

/// <summary>The YAML and Bicep writers and the expression parser, on their own.</summary>
public sealed class WriterTests
{
    [Theory]
    [InlineData("ledger", "ledger")]
    [InlineData("/health", "/health")]
    [InlineData("app.kubernetes.io/name", "app.kubernetes.io/name")]
    [InlineData("8080", "\"8080\"")]
    [InlineData("true", "\"true\"")]
    [InlineData("on", "\"on\"")]
    [InlineData("No", "\"No\"")]
    [InlineData("", "\"\"")]
    [InlineData("-c", "\"-c\"")]
    [InlineData("a: b", "\"a: b\"")]
    [InlineData("docker.io/library/postgres:15", "\"docker.io/library/postgres:15\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    public void YamlQuotesEveryStringThatCouldBeReadAsSomethingElse(string text, string expected)
    {
        Assert.Equal(expected, YamlWriter.Scalar(text));
    }

    [Theory]
    [InlineData("set -eu\nuntil pg_isready; do sleep 2; done\n")]
    [InlineData("no final line break\n  indented line\n\nafter a blank line")]
    [InlineData("two final line breaks\n\n")]
    [InlineData("quotes ' and \" and $VAR and # not a comment\n")]
    [InlineData(" starts with a space\nsecond\n")]
    public void YamlReadsBackEveryStringItWrites(string text)
    {
        var node = new JsonObject
        {
            ["command"] = new JsonArray("sh", "-c", text),
            ["data"] = new JsonObject { ["script"] = text, ["port"] = "5432", ["empty"] = new JsonObject(), ["none"] = new JsonArray() },
        };

        var read = Yaml.ReadDocument(YamlWriter.Write(node, "a comment"));

        Assert.Equal(text, (string?)read["command"]![2]);
        Assert.Equal(text, (string?)read["data"]!["script"]);
        Assert.Equal("5432", (string?)read["data"]!["port"]);
    }

    [Fact]
    public void BicepStringsEscapeQuotesBackslashesAndInterpolation()
    {
        Assert.Equal("it\\'s \\${x} \\\\ $HOME\\n", BicepWriter.Escape("it's ${x} \\ $HOME\n"));
    }

    [Fact]
    public void BicepIdentifiersAreCamelCaseResourceNames()
    {
        Assert.Equal("internalToken", ContainerAppsBicepBuilder.Identifier("internal-token"));
        Assert.Equal("ledgerdbPassword", ContainerAppsBicepBuilder.Identifier("ledgerdb-password"));
        Assert.Equal("gateway", ContainerAppsBicepBuilder.Identifier("gateway"));
    }

    [Fact]
    public void AManifestExpressionSplitsIntoTextAndReferences()
    {
        var segments = ManifestExpression.Parse("Host={postgres.bindings.tcp.host};Password={ledgerdb-password.value}", "test");

        Assert.Equal(
            [("Host=", null), ("", "postgres.bindings.tcp.host"), (";Password=", null), ("", "ledgerdb-password.value")],
            segments.Select(s => (s.Text, s.Reference)));
    }

    [Theory]
    [InlineData("Host={postgres.bindings.tcp.host")]
    [InlineData("a}b")]
    [InlineData("{}")]
    [InlineData("{nodot}")]
    public void AMalformedExpressionIsRefusedWithItsText(string expression)
    {
        var error = Assert.Throws<DistributedApplicationException>(() => ManifestExpression.Parse(expression, "variable 'X'"));

        Assert.Contains(expression, error.Message, StringComparison.Ordinal);
    }
}
