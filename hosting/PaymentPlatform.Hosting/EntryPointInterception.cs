namespace PaymentPlatform.Hosting;

/// <summary>
/// Lets the testing builder run an AppHost's own entry point up to <c>Build()</c>, so tests
/// start exactly the graph that <c>Program.cs</c> declares. Set only on the thread (and its
/// async flow) that runs the entry point; everywhere else it is null.
/// </summary>
internal sealed class EntryPointInterception
{
    internal static readonly AsyncLocal<EntryPointInterception?> Current = new();

    /// <summary>Adjusts the options the entry point asked for (testing defaults).</summary>
    public required Func<DistributedApplicationOptions, DistributedApplicationOptions> ConfigureOptions { get; init; }

    /// <summary>Receives the finished builder; must throw <see cref="EntryPointStoppedException"/> to stop the entry point.</summary>
    public required Action<IDistributedApplicationBuilder> OnBuild { get; init; }
}

/// <summary>Thrown inside an intercepted entry point at <c>Build()</c>, to stop it before it runs the app.</summary>
internal sealed class EntryPointStoppedException() : Exception("The entry point was stopped at Build() so a test can build and start the app itself.");
