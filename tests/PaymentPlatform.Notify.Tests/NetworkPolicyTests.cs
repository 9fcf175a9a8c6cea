using System.Net;
using PaymentPlatform.Notify.Delivery;

namespace PaymentPlatform.Notify.Tests;

public class NetworkPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.1.2.3")]
    [InlineData("::1")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("169.254.0.1")]
    [InlineData("fe80::1")]
    [InlineData("fd00:ec2::254")]
    [InlineData("fc00::1")]
    [InlineData("100.64.0.1")]
    [InlineData("100.100.100.200")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("224.0.0.1")]
    public void OutsideDevelopmentLoopbackPrivateLinkLocalAndMetadataAddressesAreRefused(string address)
    {
        var policy = NetworkPolicy.From(new DeliveryOptions(), development: false);

        Assert.False(policy.IsAllowed(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:4700:4700::1111")]
    public void PublicAddressesAreAllowed(string address)
    {
        var policy = NetworkPolicy.From(new DeliveryOptions(), development: false);

        Assert.True(policy.IsAllowed(IPAddress.Parse(address)));
    }

    [Fact]
    public void TheAllowlistOpensOnlyTheRangesItNames()
    {
        var policy = NetworkPolicy.From(new DeliveryOptions { AllowedNetworks = "127.0.0.0/8, ::1/128" }, development: false);

        Assert.True(policy.IsAllowed(IPAddress.Loopback));
        Assert.True(policy.IsAllowed(IPAddress.IPv6Loopback));
        Assert.False(policy.IsAllowed(IPAddress.Parse("10.0.0.1")));
        Assert.False(policy.IsAllowed(IPAddress.Parse("169.254.169.254")));
    }

    [Fact]
    public void DevelopmentAllowsPrivateAddressesUnlessConfiguredOtherwise()
    {
        Assert.True(NetworkPolicy.From(new DeliveryOptions(), development: true).IsAllowed(IPAddress.Loopback));
        Assert.False(NetworkPolicy.From(new DeliveryOptions { AllowPrivateNetworks = false }, development: true).IsAllowed(IPAddress.Loopback));
    }
}
