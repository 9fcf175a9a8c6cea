using System.Collections.Concurrent;
using System.Threading.Channels;

namespace PaymentPlatform.Hosting.Orchestration;

/// <summary>One line of a resource's console output.</summary>
public sealed record ResourceLogLine(string Resource, int Replica, DateTimeOffset Timestamp, string Text, bool IsError)
{
    /// <summary>The replica's display name, e.g. <c>gateway-1</c>.</summary>
    public string Source => $"{Resource}-{Replica}";
}

/// <summary>
/// Keeps every resource's console output: the most recent lines of each replica in memory,
/// echoed to the host's console with the replica's name in front, and streamed to watchers.
/// </summary>
public sealed class ResourceLoggerService
{
    private const int LinesKeptPerResource = 5000;
    private static readonly ConsoleColor[] Palette =
        [ConsoleColor.Cyan, ConsoleColor.Green, ConsoleColor.Yellow, ConsoleColor.Magenta, ConsoleColor.Blue, ConsoleColor.DarkCyan, ConsoleColor.DarkGreen, ConsoleColor.DarkYellow];

    private readonly ConcurrentDictionary<string, Queue<ResourceLogLine>> _lines = new();
    private readonly ConcurrentDictionary<string, ConsoleColor> _colors = new();
    private readonly List<Channel<ResourceLogLine>> _watchers = [];
    private readonly bool _echo;
    private readonly Lock _consoleLock = new();

    internal ResourceLoggerService(bool echoToConsole) => _echo = echoToConsole;

    internal void Append(string resource, int replica, string text, bool isError)
    {
        var line = new ResourceLogLine(resource, replica, DateTimeOffset.UtcNow, text, isError);
        var queue = _lines.GetOrAdd(resource, _ => new Queue<ResourceLogLine>());
        lock (queue)
        {
            queue.Enqueue(line);
            while (queue.Count > LinesKeptPerResource)
            {
                queue.Dequeue();
            }
        }
        lock (_watchers)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite(line);
            }
        }
        if (_echo)
        {
            Echo(line);
        }
    }

    /// <summary>The most recent lines of a resource (all replicas, or one), oldest first.</summary>
    public IReadOnlyList<ResourceLogLine> GetLines(string resource, int? replica = null, int max = 50)
    {
        if (!_lines.TryGetValue(resource, out var queue))
        {
            return [];
        }
        lock (queue)
        {
            return [.. queue.Where(l => replica is null || l.Replica == replica).TakeLast(max)];
        }
    }

    /// <summary>Every new line from now on, until cancelled.</summary>
    public async IAsyncEnumerable<ResourceLogLine> WatchAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateBounded<ResourceLogLine>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_watchers)
        {
            _watchers.Add(channel);
        }
        try
        {
            await foreach (var line in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return line;
            }
        }
        finally
        {
            lock (_watchers)
            {
                _watchers.Remove(channel);
            }
        }
    }

    internal void HostMessage(string text, bool isError = false)
    {
        lock (_consoleLock)
        {
            var writer = isError ? Console.Error : Console.Out;
            writer.WriteLine(text);
        }
    }

    private void Echo(ResourceLogLine line)
    {
        var color = _colors.GetOrAdd(line.Resource, _ => Palette[_colors.Count % Palette.Length]);
        lock (_consoleLock)
        {
            var previous = Console.ForegroundColor;
            Console.ForegroundColor = color;
            Console.Out.Write($"{line.Source,-12} | ");
            Console.ForegroundColor = previous;
            Console.Out.WriteLine(line.Text);
        }
    }
}
