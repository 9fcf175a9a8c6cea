using PaymentPlatform.Publishing.Tests.Infrastructure;

namespace PaymentPlatform.Publishing.Tests;

/// <summary>What holds for every target: no secret value anywhere, the same bytes every time, nothing started.</summary>
[Collection(PublishedPlatformCollection.Name)]
public sealed class ArtifactSafetyTests(PublishedPlatform platform)
{
    private static readonly string[] AllPublishers = [PublishedPlatform.Manifest, PublishedPlatform.Kubernetes, PublishedPlatform.ContainerApps];

    public static TheoryData<string> Publishers => new(AllPublishers);

    [Theory]
    [MemberData(nameof(Publishers))]
    public void NoSecretValueAppearsInAnyArtifact(string publisher)
    {
        // Every secret parameter had a value configured (Parameters__NAME) while publishing.
        Assert.NotEmpty(platform.SecretCanaries);
        var files = Tools.ReadTree(platform.OutputPath(publisher));

        Assert.NotEmpty(files);
        foreach (var (path, content) in files)
        {
            foreach (var (secret, value) in platform.SecretCanaries)
            {
                Assert.False(content.Contains(value, StringComparison.Ordinal), $"{publisher}: {path} holds the value of secret '{secret}'.");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Publishers))]
    public void PublishingTwiceGivesByteIdenticalArtifacts(string publisher)
    {
        var first = Bytes(platform.FirstRunPath(publisher));
        var second = Bytes(platform.OutputPath(publisher));

        Assert.NotEmpty(first);
        Assert.Equal(first.Keys, second.Keys);
        foreach (var (path, content) in first)
        {
            Assert.True(content.AsSpan().SequenceEqual(second[path]), $"{publisher}: {path} differs between two runs.");
        }
    }

    [Fact]
    public void PublishingNeverReachesRunModeNorKeepsASecret()
    {
        // Every publish ran with a data directory run mode cannot create (a folder under a file).
        Assert.True(File.Exists(Path.GetDirectoryName(platform.DataDirectory)));
        Assert.False(Directory.Exists(platform.DataDirectory));
        Assert.True(platform.LongestPublish < TimeSpan.FromSeconds(30), $"The slowest publish took {platform.LongestPublish}.");
    }

    [Fact]
    public async Task RunModeCannotStartWithTheDataDirectoryPublishingIgnored()
    {
        // The control for the test above: the same settings without --publisher fail at once.
        var result = await platform.RunAppHostAsync();

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("cannot use its data directory", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void ArtifactsUseUnixLineEndsAndNoByteOrderMark()
    {
        foreach (var publisher in AllPublishers)
        {
            var root = platform.OutputPath(publisher);
            var files = File.Exists(root) ? [root] : Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories);
            foreach (var file in files)
            {
                var bytes = File.ReadAllBytes(file);
                Assert.False(bytes.AsSpan().IndexOf("\r"u8) >= 0, $"{file} has a carriage return.");
                Assert.False(bytes.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }), $"{file} starts with a byte-order mark.");
                Assert.True(bytes[^1] == (byte)'\n', $"{file} does not end with a line break.");
            }
        }
    }

    private static SortedDictionary<string, byte[]> Bytes(string root)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        if (File.Exists(root))
        {
            files[Path.GetFileName(root)] = File.ReadAllBytes(root);
            return files;
        }
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            files[Path.GetRelativePath(root, file).Replace('\\', '/')] = File.ReadAllBytes(file);
        }
        return files;
    }
}
