using System.Net;
using System.Net.Sockets;
using PaymentPlatform.Notify.Delivery;

namespace PaymentPlatform.Notify.Tests;

/// <summary>
/// The delivery client's ConnectCallback outside Development (issue 16, "Security checks"): a host name is judged by
/// the addresses it resolves to, so a name that points at loopback, a private network or a metadata service is
/// refused before any socket is opened, in its IPv4 and IPv6 forms; only the allowed addresses of a mixed answer
/// are connected to. Names get their answers from the test, as a rebinding DNS server would give them.
/// </summary>
public class ConnectGuardTests
{
    private static readonly NetworkPolicy Production = NetworkPolicy.From(new DeliveryOptions(), development: false);

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("fd00:ec2::254")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    [InlineData("10.0.0.5,169.254.169.254,::1")]
    public async Task ANameThatResolvesOnlyToRefusedAddressesIsRefusedBeforeAnySocketIsOpened(string answer)
    {
        var addresses = answer.Split(',').Select(IPAddress.Parse).ToArray();
        var asked = new List<string>();

        var refused = await Assert.ThrowsAsync<TargetRefusedException>(async () =>
            await WebhookHttpClient.ConnectAsync(Production, new DnsEndPoint("hooks.merchant.example", 80), Resolver(asked, addresses), CancellationToken.None));

        Assert.Equal(new[] { "hooks.merchant.example" }, asked);
        Assert.Equal(addresses, refused.Addresses);
        Assert.Contains("refused addresses", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::ffff:a9fe:a9fe")]
    [InlineData("::")]
    public async Task ALiteralAddressIsJudgedItselfAndNeverResolved(string literal)
    {
        var asked = new List<string>();

        await Assert.ThrowsAsync<TargetRefusedException>(async () =>
            await WebhookHttpClient.ConnectAsync(Production, new DnsEndPoint(literal, 80), Resolver(asked, IPAddress.Parse("93.184.216.34")), CancellationToken.None));

        Assert.Empty(asked);
    }

    [Fact]
    public async Task OfAMixedAnswerOnlyTheAllowedAddressIsConnectedTo()
    {
        // Loopback allowlisted (as a test receiver would be); the metadata address first in the answer is skipped.
        var policy = NetworkPolicy.From(new DeliveryOptions { AllowedNetworks = "127.0.0.0/8" }, development: false);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        await using var stream = await WebhookHttpClient.ConnectAsync(policy, new DnsEndPoint("hooks.merchant.example", port),
            Resolver([], IPAddress.Parse("169.254.169.254"), IPAddress.Parse("10.0.0.5"), IPAddress.Loopback), timeout.Token);
        using var accepted = await listener.AcceptSocketAsync(timeout.Token);

        Assert.Equal(IPAddress.Loopback, ((IPEndPoint)accepted.RemoteEndPoint!).Address);
    }

    [Fact]
    public async Task InDevelopmentTheSameNameConnects()
    {
        // The control for the refusals above: nothing but the policy stops a name that resolves to loopback.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        await using var stream = await WebhookHttpClient.ConnectAsync(NetworkPolicy.From(new DeliveryOptions(), development: true),
            new DnsEndPoint("hooks.merchant.example", port), Resolver([], IPAddress.Loopback), timeout.Token);
        using var accepted = await listener.AcceptSocketAsync(timeout.Token);

        Assert.True(stream.CanWrite);
    }

    private static Func<string, CancellationToken, Task<IPAddress[]>> Resolver(List<string> asked, params IPAddress[] answer) => (name, _) =>
    {
        asked.Add(name);
        return Task.FromResult(answer);
    };
}
