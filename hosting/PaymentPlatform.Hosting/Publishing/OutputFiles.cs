using System.Text;

namespace PaymentPlatform.Hosting.Publishing;

/// <summary>
/// Writes artifacts byte for byte the same on every run: UTF-8 without a byte-order mark,
/// '\n' line ends, whatever the machine.
/// </summary>
internal sealed class OutputFiles
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private readonly string _root;
    private readonly List<string> _written = [];

    private OutputFiles(string root) => _root = root;

    /// <summary>The paths written so far.</summary>
    public IReadOnlyList<string> Written => _written;

    /// <summary>
    /// Prepares a directory for a publisher: creates it, and deletes the files an earlier run of
    /// the same publisher wrote there (recognised by <paramref name="marker"/> on their first
    /// line), so a resource removed from the graph leaves nothing behind. Other files are kept.
    /// </summary>
    public static OutputFiles ForDirectory(string directory, string marker)
    {
        if (File.Exists(directory))
        {
            throw new DistributedApplicationException($"--output-path '{directory}' is a file; this publisher writes a directory.");
        }
        Directory.CreateDirectory(directory);
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            if (FirstLine(file).Contains(marker, StringComparison.Ordinal))
            {
                File.Delete(file);
            }
        }
        return new OutputFiles(directory);
    }

    /// <summary>The start of a file's first line; only the first 512 bytes are read, whatever the file holds.</summary>
    private static string FirstLine(string file)
    {
        Span<byte> buffer = stackalloc byte[512];
        int read;
        using (var stream = File.OpenRead(file))
        {
            read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        var text = Utf8.GetString(buffer[..read]);
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        return end < 0 ? text : text[..end];
    }

    /// <summary>Writes one file, creating its folder.</summary>
    public static string WriteFile(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content.ReplaceLineEndings("\n"), Utf8);
        return path;
    }

    /// <summary>Writes a file at a path relative to the directory ('/' separated).</summary>
    public void Write(string relativePath, string content) =>
        _written.Add(WriteFile(FullPath(relativePath), content));

    /// <summary>
    /// Writes a file unless one is already there. <see cref="ForDirectory"/> has removed the files
    /// an earlier run wrote, so a file still there is the user's: a placeholder they filled in.
    /// </summary>
    public void WriteUnlessPresent(string relativePath, string content)
    {
        var path = FullPath(relativePath);
        if (!File.Exists(path))
        {
            WriteFile(path, content);
        }
        _written.Add(path);
    }

    private string FullPath(string relativePath) => Path.Combine(_root, relativePath.Replace('/', Path.DirectorySeparatorChar));
}
