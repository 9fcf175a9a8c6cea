namespace PaymentPlatform.Redis.Connections;

/// <summary>A command on its way to the server, completed with its reply or a failure.</summary>
internal sealed class PendingCommand : TaskCompletionSource<RedisResult>
{
    private const int Queued = 0;
    private const int Written = 1;
    private const int Abandoned = 2;

    private int _state;

    // Continuations run on the thread pool, so callers' code never runs on (and stalls) the reading thread.
    public PendingCommand(string command, RedisValue[] arguments)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        Command = command;
        Arguments = arguments;
    }

    public string Command { get; }

    public RedisValue[] Arguments { get; }

    /// <summary>Whether the command reached the socket, so the server may have run it.</summary>
    public bool WasWritten => Volatile.Read(ref _state) == Written;

    /// <summary>Claims the command for writing; false if its caller has already given up on it.</summary>
    public bool TryMarkWritten() => Interlocked.CompareExchange(ref _state, Written, Queued) == Queued;

    /// <summary>
    /// The caller stopped waiting (timeout or cancellation). A command not yet written never
    /// will be; a written one keeps its place so the late reply is matched and dropped.
    /// </summary>
    public void Abandon()
    {
        Interlocked.CompareExchange(ref _state, Abandoned, Queued);
        TrySetCanceled();
    }
}
