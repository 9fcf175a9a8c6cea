using System.Diagnostics;

namespace PaymentPlatform.Platform.Tests;

/// <summary>
/// Runs eng/validators/validate-openapi.mjs (ajv's JSON Schema 2020-12 build) over a file of sampled answers
/// against the gateway's <c>/openapi/v1.json</c>; used by the contract tests and the fuzz suite.
/// </summary>
internal static class OpenApiValidator
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string documentPath, string samplesPath)
    {
        var validators = Path.Combine(RepositoryRoot(), "eng", "validators");
        if (!File.Exists(Path.Combine(validators, "node_modules", "ajv", "package.json")))
        {
            throw new Xunit.Sdk.XunitException("ajv is not installed under eng/validators; from the repository root run: npm ci --prefix eng/validators");
        }
        var start = new ProcessStartInfo("node", [Path.Combine(validators, "validate-openapi.mjs"), documentPath, samplesPath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start (apt-get install nodejs).");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "eng", "validators", "package.json")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No repository root (a folder with eng/validators/package.json) above {AppContext.BaseDirectory}.");
    }
}
