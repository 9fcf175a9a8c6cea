namespace PaymentPlatform.Redis;

/// <summary>The base class of every exception this library throws for a Redis failure.</summary>
public class RedisException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RedisException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RedisException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public RedisException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// There is no working connection: it could not be made, or it dropped while a command was
/// queued or awaiting its reply. Nothing is retried behind the caller's back;
/// <see cref="CommandMayHaveRun"/> says whether the command could have reached the server.
/// </summary>
public class RedisConnectionException : RedisException
{
    /// <summary>Creates the exception.</summary>
    public RedisConnectionException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RedisConnectionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public RedisConnectionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a command that failed because its connection did.</summary>
    public RedisConnectionException(string message, bool commandMayHaveRun, Exception? innerException)
        : base(message, innerException)
    {
        CommandMayHaveRun = commandMayHaveRun;
    }

    /// <summary>
    /// True when the command was written to the socket before the connection failed, so the
    /// server may have run it; false when it was never sent.
    /// </summary>
    public bool CommandMayHaveRun { get; }
}

/// <summary>
/// A command's reply did not arrive within the client's command timeout. If the command was
/// sent it may still run; its late reply is discarded.
/// </summary>
public class RedisTimeoutException : RedisException
{
    /// <summary>Creates the exception.</summary>
    public RedisTimeoutException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RedisTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public RedisTimeoutException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a command that timed out.</summary>
    public RedisTimeoutException(string message, bool commandMayHaveRun)
        : base(message)
    {
        CommandMayHaveRun = commandMayHaveRun;
    }

    /// <summary>True when the command was sent before the timeout, so the server may run it.</summary>
    public bool CommandMayHaveRun { get; }
}

/// <summary>
/// The server answered with an error, such as <c>-ERR ...</c>, <c>-WRONGTYPE ...</c>,
/// <c>-NOSCRIPT ...</c> or <c>-BUSYGROUP ...</c>. The connection stays healthy.
/// </summary>
public class RedisServerException : RedisException
{
    /// <summary>Creates the exception.</summary>
    public RedisServerException()
    {
        ErrorPrefix = "ERR";
    }

    /// <summary>Creates the exception with the server's error message.</summary>
    public RedisServerException(string message)
        : base(message)
    {
        ErrorPrefix = PrefixOf(message);
    }

    /// <summary>Creates the exception with the server's error message and an inner exception.</summary>
    public RedisServerException(string message, Exception? innerException)
        : base(message, innerException)
    {
        ErrorPrefix = PrefixOf(message);
    }

    /// <summary>Creates the exception for the error reply to a command.</summary>
    public RedisServerException(string command, string serverMessage)
        : base($"{command} failed: {serverMessage}")
    {
        Command = command;
        ServerMessage = serverMessage;
        ErrorPrefix = PrefixOf(serverMessage);
    }

    /// <summary>
    /// The error code: the first word of the server's message in upper case, such as
    /// <c>ERR</c>, <c>WRONGTYPE</c>, <c>NOSCRIPT</c>, <c>BUSYGROUP</c>, <c>NOAUTH</c>.
    /// </summary>
    public string ErrorPrefix { get; }

    /// <summary>The command that failed, when known (its name only; never its arguments).</summary>
    public string? Command { get; }

    /// <summary>The server's error message as sent.</summary>
    public string? ServerMessage { get; }

    private static string PrefixOf(string message)
    {
        int space = message.IndexOf(' ', StringComparison.Ordinal);
        string first = space < 0 ? message : message[..space];
        return first.Length > 0 && first.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_')
            ? first
            : "ERR";
    }
}

/// <summary>The server sent bytes that are not valid RESP; the connection is closed.</summary>
public class RedisProtocolException : RedisException
{
    /// <summary>Creates the exception.</summary>
    public RedisProtocolException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RedisProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public RedisProtocolException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
