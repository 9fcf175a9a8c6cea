using Microsoft.Extensions.Configuration;

namespace PaymentPlatform.Hosting.Orchestration;

/// <summary>
/// Finds the programs the host runs: configuration (<c>AppHost:Binaries:{name}</c>) first, then
/// PATH, then the distribution's PostgreSQL folder. A missing program is an error that names
/// the package to install.
/// </summary>
internal sealed class BinaryLocator(IConfiguration configuration)
{
    public string Require(string program, string debianPackage)
    {
        return Find(program) ?? throw new DistributedApplicationException(
            $"'{program}' was not found on PATH{(program is "postgres" or "initdb" ? " or under /usr/lib/postgresql/<version>/bin" : "")}. " +
            $"Install it: 'sudo apt-get install -y {debianPackage}' (Debian/Ubuntu), or set AppHost:Binaries:{program} to its full path. " +
            "The README's run and test commands install it for you when run as root.");
    }

    public string? Find(string program)
    {
        if (configuration[$"AppHost:Binaries:{program}"] is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : throw new DistributedApplicationException(
                $"AppHost:Binaries:{program} is set to '{configured}', which does not exist. Fix the path or remove the setting.");
        }

        // The SDK tells child processes which dotnet launched them.
        if (program == "dotnet" && Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        // PostgreSQL's server programs live outside PATH on Debian; prefer one major version's
        // folder for both initdb and postgres so the two always match.
        if (program is "postgres" or "initdb" && FindPostgresBinDirectory() is { } pgBin)
        {
            return Path.Combine(pgBin, program);
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin", "/usr/bin"])
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
    }

    private static string? FindPostgresBinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }
        return Directory.GetDirectories(root)
            .Select(dir => (dir, version: int.TryParse(Path.GetFileName(dir), out var v) ? v : -1))
            .Where(d => d.version > 0 && File.Exists(Path.Combine(d.dir, "bin", "postgres")) && File.Exists(Path.Combine(d.dir, "bin", "initdb")))
            .OrderByDescending(d => d.version)
            .Select(d => Path.Combine(d.dir, "bin"))
            .FirstOrDefault();
    }
}
