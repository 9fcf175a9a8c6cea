using System.Diagnostics;

namespace PaymentPlatform.Redis;

public sealed partial class RedisClient
{
    // Commands that would change the shared connection's state for every caller, or make it
    // stop answering in order; each has a proper home (the client's options, SubscribeAsync,
    // the blocking-read methods).
    private static readonly HashSet<string> s_refusedCommands = new(StringComparer.OrdinalIgnoreCase)
    {
        "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE", "MONITOR",
        "SELECT", "AUTH", "HELLO", "RESET", "QUIT",
        "MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH",
        "BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "BLMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP", "WAIT", "WAITAOF",
    };

    /// <summary>Sends PING and returns the round-trip time.</summary>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        long started = Stopwatch.GetTimestamp();
        await ExecuteCoreAsync("PING", [], cancellationToken).ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>Returns the server's clock (TIME), to microsecond precision.</summary>
    public async Task<DateTimeOffset> TimeAsync(CancellationToken cancellationToken = default)
    {
        RedisResult reply = await ExecuteCoreAsync("TIME", [], cancellationToken).ConfigureAwait(false);
        long seconds = (long)reply[0];
        long microseconds = (long)reply[1];
        return DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(microseconds * (TimeSpan.TicksPerMillisecond / 1000));
    }

    /// <summary>
    /// Sends any command on the shared connection and returns the raw reply: the escape hatch
    /// for commands without a method here. Pass sub-commands as arguments:
    /// <c>ExecuteAsync("SCRIPT", ["FLUSH"])</c>.
    /// </summary>
    /// <remarks>
    /// Commands that would disturb the shared connection for other callers are refused:
    /// SUBSCRIBE and friends (use <see cref="SubscribeAsync"/>), SELECT, AUTH, HELLO, RESET,
    /// QUIT, MONITOR, CLIENT REPLY, transactions (MULTI/EXEC/WATCH; use a script instead) and blocking
    /// list/sorted-set pops and WAIT. Do not pass a BLOCK option to XREAD here either; use
    /// <see cref="StreamReadGroupAsync"/>.
    /// </remarks>
    /// <exception cref="ArgumentException">The command is empty, contains whitespace, or is refused.</exception>
    /// <exception cref="RedisServerException">The server answered with an error.</exception>
    public Task<RedisResult> ExecuteAsync(string command, IReadOnlyList<RedisValue> arguments, CancellationToken cancellationToken = default)
    {
        ValidateCommand(command);
        ArgumentNullException.ThrowIfNull(arguments);
        if (command.Equals("CLIENT", StringComparison.OrdinalIgnoreCase) && arguments.Count > 0
            && ((string?)arguments[0])?.Equals("REPLY", StringComparison.OrdinalIgnoreCase) == true)
        {
            throw new ArgumentException("CLIENT REPLY cannot be sent on the shared connection; replies must arrive for every command.", nameof(arguments));
        }
        return ExecuteCoreAsync(command.ToUpperInvariant(), [.. arguments], cancellationToken);
    }

    /// <summary>Sends any command; see <see cref="ExecuteAsync(string, IReadOnlyList{RedisValue}, CancellationToken)"/>.</summary>
    public Task<RedisResult> ExecuteAsync(string command, params RedisValue[] arguments) =>
        ExecuteAsync(command, (IReadOnlyList<RedisValue>)arguments, CancellationToken.None);

    private static void ValidateCommand(string command)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        if (command.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"The command '{command}' contains whitespace; pass sub-commands and options as arguments.", nameof(command));
        }
        if (s_refusedCommands.Contains(command))
        {
            throw new ArgumentException($"{command.ToUpperInvariant()} cannot be sent on the shared connection; see the remarks on ExecuteAsync.", nameof(command));
        }
    }
}
