namespace PaymentPlatform.Load.Targets;

/// <summary>What the generator sends to, and how it came to be running: the report prints both.</summary>
public interface ILoadTarget : IAsyncDisposable
{
    Uri BaseAddress { get; }

    /// <summary>One line: what runs and who started it.</summary>
    string Description { get; }

    /// <summary>The conditions that matter to the figures (replicas, fsync, telemetry, build).</summary>
    IReadOnlyList<string> Notes { get; }

    /// <summary>The gateway's admin key, for creating the load's merchants; null for the hello-world target.</summary>
    string? AdminKey { get; }
}

/// <summary>A target someone else started: the generator cannot vouch for how.</summary>
public sealed class RunningTarget(Uri baseAddress, string? adminKey) : ILoadTarget
{
    public Uri BaseAddress { get; } = baseAddress;

    public string Description => $"already running at {BaseAddress}";

    public IReadOnlyList<string> Notes { get; } =
        ["started outside the generator: how (replicas, fsync, telemetry, build) is not checked; the README's ./run.sh starts it as the reference runs need"];

    public string? AdminKey { get; } = adminKey;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
