using System.Globalization;
using System.Net.Security;
using System.Text;

namespace PaymentPlatform.Redis;

/// <summary>The RESP version the client asks the server to speak.</summary>
public enum RedisProtocol
{
    /// <summary>RESP2, spoken by every Redis server. The default.</summary>
    Resp2 = 2,

    /// <summary>RESP3 (Redis 6 and later), negotiated with <c>HELLO 3</c>.</summary>
    Resp3 = 3,
}

/// <summary>
/// How to reach and use one Redis server. Usually made from a connection string with
/// <see cref="Parse(string)"/>, in the format Aspire hands out:
/// <c>host:port,password=secret,ssl=false,abortConnect=false</c>.
/// </summary>
public sealed class RedisClientOptions
{
    private const int DefaultPort = 6379;

    // Options other clients' connection strings may carry that change nothing here.
    private static readonly HashSet<string> s_ignoredKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "allowAdmin", "keepAlive", "connectRetry", "resolveDns", "configCheckSeconds", "tiebreaker",
        "version", "responseTimeout", "checkCertificateRevocation", "sslProtocols", "setlib",
        "highPrioritySocketThreads", "configChannel",
    };

    /// <summary>The host name or IP address of the server. Defaults to <c>localhost</c>.</summary>
    public string Host { get; set; } = "localhost";

    /// <summary>The TCP port of the server. Defaults to 6379.</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>The ACL user name (<c>user=</c>); null authenticates as the default user.</summary>
    public string? User { get; set; }

    /// <summary>The password sent with AUTH on every connection (<c>password=</c>); null sends no AUTH.</summary>
    public string? Password { get; set; }

    /// <summary>The database selected with SELECT on every connection (<c>defaultDatabase=</c>). Defaults to 0.</summary>
    public int Database { get; set; }

    /// <summary>Whether to connect with TLS (<c>ssl=</c>). Defaults to false.</summary>
    public bool Ssl { get; set; }

    /// <summary>The name the server's certificate must match (<c>sslHost=</c>); defaults to <see cref="Host"/>.</summary>
    public string? SslHost { get; set; }

    /// <summary>
    /// Validates the server's TLS certificate; null uses the operating system's trust store.
    /// Not settable from a connection string.
    /// </summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; set; }

    /// <summary>
    /// Whether <see cref="RedisClient.ConnectAsync(RedisClientOptions, Microsoft.Extensions.Logging.ILoggerFactory?, CancellationToken)"/>
    /// throws when the first attempt to connect fails (<c>abortConnect=</c>). When false it returns
    /// a client that keeps trying in the background. Defaults to true.
    /// </summary>
    public bool AbortOnConnectFail { get; set; } = true;

    /// <summary>How long one attempt to connect, authenticate and select may take (<c>connectTimeout=</c>, ms). Defaults to 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long each command may wait for its reply (<c>syncTimeout=</c> or <c>asyncTimeout=</c>, ms),
    /// measured per call from when it is issued. Defaults to 5 s.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The connection name set with CLIENT SETNAME (<c>name=</c>), shown by CLIENT LIST.</summary>
    public string? ClientName { get; set; }

    /// <summary>The protocol to speak (<c>protocol=resp2</c> or <c>protocol=resp3</c>). Defaults to RESP2.</summary>
    public RedisProtocol Protocol { get; set; } = RedisProtocol.Resp2;

    /// <summary>The longest wait between reconnection attempts; the wait doubles from 50 ms up to this. Defaults to 2 s.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Whether to skip the per-command <see cref="System.Diagnostics.Activity"/> spans.</summary>
    public bool DisableTracing { get; set; }

    /// <summary>Whether to skip the command duration histogram and connection counters.</summary>
    public bool DisableMetrics { get; set; }

    /// <summary>The endpoint as <c>host:port</c>, for messages and telemetry.</summary>
    public string EndPoint => Host.Contains(':', StringComparison.Ordinal)
        ? $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)}"
        : $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Parses a connection string: one endpoint (<c>host</c>, <c>host:port</c> or <c>[ipv6]:port</c>)
    /// and comma-separated <c>key=value</c> options: <c>password</c>, <c>user</c>, <c>ssl</c>,
    /// <c>sslHost</c>, <c>abortConnect</c>, <c>defaultDatabase</c>, <c>connectTimeout</c>,
    /// <c>syncTimeout</c>, <c>asyncTimeout</c>, <c>name</c>, <c>protocol</c>. Keys are case-insensitive;
    /// a value runs to the next comma, so it may contain <c>=</c> but not <c>,</c>.
    /// </summary>
    /// <exception cref="FormatException">The string is malformed, names no endpoint or several, or uses an unknown or unsupported option.</exception>
    public static RedisClientOptions Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var options = new RedisClientOptions();
        bool sawEndPoint = false;
        foreach (string rawToken in connectionString.Split(','))
        {
            string token = rawToken.Trim();
            if (token.Length == 0)
            {
                continue;
            }
            int equals = token.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                if (sawEndPoint)
                {
                    throw new FormatException($"The connection string names more than one endpoint ('{token}'); this client talks to one server, without cluster or replicas.");
                }
                (options.Host, options.Port) = ParseEndPoint(token);
                sawEndPoint = true;
                continue;
            }
            string key = token[..equals].Trim();
            string value = token[(equals + 1)..].Trim();
            options.Apply(key, value);
        }
        if (!sawEndPoint)
        {
            throw new FormatException("The connection string names no endpoint; expected something like 'localhost:6379,password=...'.");
        }
        return options;
    }

    private void Apply(string key, string value)
    {
        switch (key.ToLowerInvariant())
        {
            case "password": Password = value.Length == 0 ? null : value; break;
            case "user": User = value.Length == 0 ? null : value; break;
            case "ssl": Ssl = ParseBool(key, value); break;
            case "sslhost": SslHost = value.Length == 0 ? null : value; break;
            case "abortconnect": AbortOnConnectFail = ParseBool(key, value); break;
            case "defaultdatabase": Database = ParseInt(key, value, 0); break;
            case "connecttimeout": ConnectTimeout = TimeSpan.FromMilliseconds(ParseInt(key, value, 1)); break;
            case "synctimeout" or "asynctimeout": CommandTimeout = TimeSpan.FromMilliseconds(ParseInt(key, value, 1)); break;
            case "name": ClientName = value.Length == 0 ? null : value; break;
            case "protocol": Protocol = ParseProtocol(value); break;
            case "servicename":
                throw new FormatException("The connection string option 'serviceName' asks for Redis Sentinel, which this client does not support.");
            case "channelprefix":
                throw new FormatException("The connection string option 'channelPrefix' is not supported; put the prefix in the channel names.");
            default:
                if (!s_ignoredKeys.Contains(key))
                {
                    throw new FormatException($"The connection string option '{key}' is not known.");
                }
                break;
        }
    }

    private static (string Host, int Port) ParseEndPoint(string token)
    {
        if (token.StartsWith('['))
        {
            int close = token.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new FormatException($"The endpoint '{token}' has no closing ']'.");
            }
            string host = token[1..close];
            string rest = token[(close + 1)..];
            return rest.Length == 0 ? (host, DefaultPort)
                : rest.StartsWith(':') ? (host, ParsePort(token, rest[1..]))
                : throw new FormatException($"The endpoint '{token}' has text after ']' that is not ':port'.");
        }
        int colon = token.LastIndexOf(':');
        if (colon < 0 || token.IndexOf(':', StringComparison.Ordinal) != colon)
        {
            // No colon, or several: a host name or a bare IPv6 address without a port.
            return (token, DefaultPort);
        }
        if (colon == 0)
        {
            throw new FormatException($"The endpoint '{token}' has no host.");
        }
        return (token[..colon], ParsePort(token, token[(colon + 1)..]));
    }

    private static int ParsePort(string endPoint, string port) =>
        int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value is > 0 and <= 65535
            ? value
            : throw new FormatException($"The endpoint '{endPoint}' has an invalid port '{port}'.");

    private static bool ParseBool(string key, string value) =>
        bool.TryParse(value, out bool result)
            ? result
            : throw new FormatException($"The connection string option '{key}' must be true or false, not '{value}'.");

    private static int ParseInt(string key, string value, int minimum) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int result) && result >= minimum
            ? result
            : throw new FormatException($"The connection string option '{key}' must be an integer of at least {minimum}, not '{value}'.");

    private static RedisProtocol ParseProtocol(string value) => value.ToLowerInvariant() switch
    {
        "resp2" or "2" => RedisProtocol.Resp2,
        "resp3" or "3" => RedisProtocol.Resp3,
        _ => throw new FormatException($"The connection string option 'protocol' must be resp2 or resp3, not '{value}'."),
    };

    /// <summary>
    /// The options as a connection string, with the password masked so the result is safe to log.
    /// </summary>
    public override string ToString()
    {
        var builder = new StringBuilder(EndPoint);
        if (User is not null) builder.Append(",user=").Append(User);
        if (Password is not null) builder.Append(",password=*****");
        if (Database != 0) builder.Append(CultureInfo.InvariantCulture, $",defaultDatabase={Database}");
        if (Ssl) builder.Append(",ssl=true");
        if (SslHost is not null) builder.Append(",sslHost=").Append(SslHost);
        if (!AbortOnConnectFail) builder.Append(",abortConnect=false");
        builder.Append(CultureInfo.InvariantCulture, $",connectTimeout={(long)ConnectTimeout.TotalMilliseconds}");
        builder.Append(CultureInfo.InvariantCulture, $",syncTimeout={(long)CommandTimeout.TotalMilliseconds}");
        if (ClientName is not null) builder.Append(",name=").Append(ClientName);
        if (Protocol == RedisProtocol.Resp3) builder.Append(",protocol=resp3");
        return builder.ToString();
    }

    /// <summary>Checks the options and returns a copy the client owns, so later changes cannot affect it.</summary>
    internal RedisClientOptions ValidateAndCopy()
    {
        if (string.IsNullOrWhiteSpace(Host)) throw new ArgumentException("Host must be set.", nameof(Host));
        if (Port is <= 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(Port), Port, "Port must be between 1 and 65535.");
        if (Database < 0) throw new ArgumentOutOfRangeException(nameof(Database), Database, "Database must not be negative.");
        if (ConnectTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), ConnectTimeout, "ConnectTimeout must be positive.");
        if (CommandTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(CommandTimeout), CommandTimeout, "CommandTimeout must be positive.");
        if (ReconnectMaxDelay <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ReconnectMaxDelay), ReconnectMaxDelay, "ReconnectMaxDelay must be positive.");
        if (!Enum.IsDefined(Protocol)) throw new ArgumentOutOfRangeException(nameof(Protocol), Protocol, "Protocol must be Resp2 or Resp3.");
        return (RedisClientOptions)MemberwiseClone();
    }
}
