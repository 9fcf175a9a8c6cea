using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.ApplicationModel;

namespace PaymentPlatform.Publishing.Tests.Infrastructure;

/// <summary>Small graphs built in code, published in-process.</summary>
internal static class SampleGraphs
{
    /// <summary>A project that exists on disk (the ledger's), so manifest paths resolve; never run.</summary>
    public sealed class SampleProject : IProjectMetadata
    {
        public string ProjectPath => Path.Combine(Tools.RepositoryRoot, "services", "PaymentPlatform.Ledger", "PaymentPlatform.Ledger.csproj");

        public string AssemblyPath => Path.Combine(Tools.RepositoryRoot, "does-not-exist", "PaymentPlatform.Ledger.dll");
    }

    /// <summary>A resource type no publisher knows.</summary>
    public sealed class QueueResource(string name) : Resource(name);

    public static IDistributedApplicationBuilder CreateBuilder(string publisher, string outputPath, params string[] arguments) =>
        DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            Args = ["--publisher", publisher, "--output-path", outputPath, .. arguments],
            ApplicationName = "Sample.AppHost",
            IsTesting = true,
            EchoResourceLogs = false,
        });

    public static async Task PublishAsync(IDistributedApplicationBuilder builder)
    {
        await using var app = builder.Build();
        await app.StartAsync();
    }
}
