using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using PaymentPlatform.Hosting.ApplicationModel;

namespace PaymentPlatform.Hosting.Orchestration;

/// <summary>
/// Where the host keeps things. Persistent state (data volumes, generated secrets) lives in a
/// per-app folder: <c>/var/lib/paymentplatform/{app}</c> as root (the unprivileged
/// <c>postgres</c> user cannot reach <c>/root</c>), else under <c>$XDG_DATA_HOME</c>. Throwaway
/// data lives in a per-run folder under the temp directory, removed when the host stops.
/// </summary>
internal sealed class DataLayout : IDisposable
{
    private DataLayout(string stateDirectory, string runDirectory, bool persistent)
    {
        StateDirectory = stateDirectory;
        RunDirectory = runDirectory;
        IsPersistent = persistent;
    }

    /// <summary>Kept between runs (unless testing): data volumes and secrets.</summary>
    public string StateDirectory { get; }

    /// <summary>Removed when the host stops.</summary>
    public string RunDirectory { get; }

    public bool IsPersistent { get; }

    public static DataLayout Create(DistributedApplicationOptions options, IConfiguration configuration)
    {
        var runDirectory = Path.Combine(Path.GetTempPath(), "paymentplatform", $"run-{Environment.ProcessId}-{RandomNumberGenerator.GetHexString(6, lowercase: true)}");
        if (options.IsTesting)
        {
            CreateTraversable(runDirectory);
            return new DataLayout(Path.Combine(runDirectory, "state"), runDirectory, persistent: false);
        }

        var stateDirectory = configuration["AppHost:DataDirectory"] is { Length: > 0 } configured
            ? configured
            : DefaultStateDirectory(options.ApplicationName ?? "app");
        try
        {
            CreateTraversable(stateDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DistributedApplicationException(
                $"The host cannot use its data directory '{stateDirectory}': {ex.Message} " +
                "Make it writable by this user, or point AppHost:DataDirectory (env AppHost__DataDirectory) at a folder that is.", ex);
        }
        CreateTraversable(runDirectory);
        return new DataLayout(stateDirectory, runDirectory, persistent: true);
    }

    /// <summary>Where a resource's data goes: its volume folder when it has one, else the run folder.</summary>
    public string DataDirectoryFor(IResource resource) =>
        resource.Annotations.OfType<DataVolumeAnnotation>().LastOrDefault() is { } volume && IsPersistent
            ? Path.Combine(StateDirectory, "volumes", volume.VolumeName)
            : Path.Combine(RunDirectory, resource.Name);

    /// <summary>Creates a folder whose every level other users may enter (not list or write).</summary>
    public static void CreateTraversable(string path)
    {
        var full = Path.GetFullPath(path);
        var missing = new Stack<string>();
        for (var dir = full; !Directory.Exists(dir); dir = Path.GetDirectoryName(dir)!)
        {
            missing.Push(dir);
        }
        while (missing.TryPop(out var dir))
        {
            Directory.CreateDirectory(dir);
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
    }

    private static string DefaultStateDirectory(string applicationName)
    {
        // One folder per AppHost checkout: two clones of the repository never share data.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(AppContext.BaseDirectory)))[..8];
        var folder = $"{applicationName.ToLowerInvariant()}-{hash}";
        if (ProcessLauncher.IsRoot)
        {
            return Path.Combine("/var/lib/paymentplatform", folder);
        }
        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(dataHome, "paymentplatform", folder);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(RunDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Could not remove the run folder '{RunDirectory}': {ex.Message}");
        }
    }
}

/// <summary>
/// Parameter values: configuration (<c>Parameters:{name}</c>) first; a secret that is not
/// configured is generated once and kept in <c>secrets.json</c> (mode 0600) in the app's
/// state folder, so yesterday's data still opens with yesterday's passwords.
/// </summary>
internal sealed class ParameterValueSource(IConfiguration configuration, string stateDirectory) : IParameterValueSource
{
    private readonly Lock _lock = new();
    private Dictionary<string, string>? _secrets;

    private string SecretsPath => Path.Combine(stateDirectory, "secrets.json");

    public string GetValue(ParameterResource parameter)
    {
        if (configuration[$"Parameters:{parameter.Name}"] is { } configured)
        {
            return configured;
        }
        if (!parameter.GenerateWhenMissing)
        {
            throw new DistributedApplicationException(
                $"Parameter '{parameter.Name}' has no value. Set configuration key 'Parameters:{parameter.Name}' " +
                $"(environment variable Parameters__{parameter.Name}, or --Parameters:{parameter.Name}=... on the command line).");
        }
        lock (_lock)
        {
            _secrets ??= Load();
            if (!_secrets.TryGetValue(parameter.Name, out var value))
            {
                value = ParameterResource.GenerateValue();
                _secrets[parameter.Name] = value;
                Save(_secrets);
            }
            return value;
        }
    }

    private Dictionary<string, string> Load()
    {
        if (!File.Exists(SecretsPath))
        {
            return new(StringComparer.Ordinal);
        }
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(SecretsPath)) ?? new(StringComparer.Ordinal);
        }
        catch (JsonException ex)
        {
            throw new DistributedApplicationException(
                $"The secrets file '{SecretsPath}' is not valid JSON ({ex.Message}). Restore it from a backup; deleting it means generated passwords no longer match the kept data.", ex);
        }
    }

    private void Save(Dictionary<string, string> secrets)
    {
        DataLayout.CreateTraversable(stateDirectory);
        var temporary = SecretsPath + ".tmp";
        using (var stream = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            JsonSerializer.Serialize(stream, secrets, new JsonSerializerOptions { WriteIndented = true });
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, SecretsPath, overwrite: true);
    }
}
