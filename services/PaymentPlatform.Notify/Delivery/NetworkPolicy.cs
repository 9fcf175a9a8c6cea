using System.Net;
using System.Net.Sockets;

namespace PaymentPlatform.Notify.Delivery;

/// <summary>
/// Which addresses webhook deliveries may connect to (contracts.md, "Internal calls": the SSRF
/// check is on the address actually connected, so a host name that resolves, or re-resolves, to
/// an internal address is refused too).
/// </summary>
public sealed class NetworkPolicy
{
    // Loopback, private, link-local (cloud metadata at 169.254.169.254 and fd00:ec2::254 included),
    // carrier-grade NAT, "this network", multicast and reserved ranges, and Alibaba's metadata address.
    private static readonly IPNetwork[] Refused =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"), IPNetwork.Parse("100.100.100.200/32"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("ff00::/8"),
        IPNetwork.Parse("64:ff9b::/96"),
    ];

    private readonly bool _allowPrivate;
    private readonly IPNetwork[] _allowed;

    public NetworkPolicy(bool allowPrivate, IEnumerable<IPNetwork> allowed)
    {
        _allowPrivate = allowPrivate;
        _allowed = allowed.ToArray();
    }

    /// <summary>Public addresses only, with no exceptions: what a URL's literal address must be outside Development.</summary>
    public static NetworkPolicy PublicOnly { get; } = new(allowPrivate: false, []);

    public static NetworkPolicy From(DeliveryOptions options, bool development) => new(
        options.AllowPrivateNetworks ?? development,
        (options.AllowedNetworks ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(IPNetwork.Parse));

    public bool AllowsPrivate => _allowPrivate;

    /// <summary>Whether a delivery may connect to <paramref name="address"/>.</summary>
    public bool IsAllowed(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (_allowPrivate || _allowed.Any(n => n.Contains(address)))
        {
            return true;
        }
        return address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6 && !Refused.Any(n => n.Contains(address));
    }
}

/// <summary>The delivery's target resolved only to addresses the policy refuses.</summary>
public sealed class TargetRefusedException(string host, IReadOnlyList<IPAddress> addresses)
    : Exception($"{host} resolves only to refused addresses ({string.Join(", ", addresses)}): loopback, private, link-local or metadata")
{
    public string Host { get; } = host;

    public IReadOnlyList<IPAddress> Addresses { get; } = addresses;
}
